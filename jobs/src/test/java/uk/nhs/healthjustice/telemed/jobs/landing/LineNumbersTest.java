package uk.nhs.healthjustice.telemed.jobs.landing;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.pipelines.validation.RecordValidator;
import uk.nhs.healthjustice.telemed.schemas.Contracts;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * Physical line numbers ({@code source_row}) that the quarantine names: counted from 1 in each file, the header
 * and blank lines included, whether Spark reads a file in one piece or in many splits.
 */
class LineNumbersTest extends SparkTestBase {

    private static final String HEADER = "case_id,patient_id,site_id,section,referral_date,first_assessment_date,"
            + "first_assessment_modality,second_assessment_date,second_assessment_modality,bed_offered_date,"
            + "transfer_date,outcome,record_updated_at";

    @TempDir
    Path tmp;

    private static String row(String caseId) {
        return caseId + ",9434765919,BCI,s47,2026-03-01,,,,,,,open,2026-03-29T09:30:00Z";
    }

    private Path write(String night, String name, List<String> lines) throws Exception {
        Path dir = tmp.resolve("mha_assessments/load_date=" + night);
        Files.createDirectories(dir);
        return Files.write(dir.resolve(name), lines);
    }

    /**
     * a.csv: line 1 the header, M1 on line 2, a blank line 3, M2 on line 4, a line of spaces 5, M3 on line 6;
     * b.csv, another night: M4 on line 2. Blank lines are not rows but keep their place in the count.
     */
    @Test
    void linesAreCountedInTheirOwnFileHeaderAndBlankLinesIncluded() throws Exception {
        Path a = write("2026-03-29", "a.csv", List.of(HEADER, row("M1"), "", row("M2"), "   ", row("M3")));
        Path b = write("2026-03-30", "b.csv", List.of(HEADER, row("M4")));
        List<LandingFile> files = List.of(LandingFileChecker.check(a, Contracts.MHA_ASSESSMENTS),
                LandingFileChecker.check(b, Contracts.MHA_ASSESSMENTS));
        List<String> got = new ArrayList<>();
        for (Row r : LogReader.read(spark(), Contracts.MHA_ASSESSMENTS, files)
                .select(col("case_id"), col(RecordValidator.SOURCE_FILE), col(RecordValidator.SOURCE_ROW))
                .orderBy("case_id").collectAsList()) {
            got.add(r.getString(0) + " " + r.getString(1) + ":" + r.getInt(2));
        }
        assertEquals(List.of("M1 load_date=2026-03-29/a.csv:2", "M2 load_date=2026-03-29/a.csv:4",
                "M3 load_date=2026-03-29/a.csv:6", "M4 load_date=2026-03-30/b.csv:2"), got);
    }

    /**
     * With splits of 100 bytes Spark reads each file in many pieces: every line still gets its own number. Each
     * line says its number ("line 0001" on line 1), so the expected value is in the data; two files so the
     * counts of one never run into the other.
     */
    @Test
    void aFileReadInManySplitsKeepsItsLineNumbers() throws Exception {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            first.add(String.format("line %04d", i));
        }
        for (int i = 1; i <= 120; i++) {
            second.add(String.format("line %04d of the second file", i));
        }
        Path f1 = write("2026-03-29", "one.txt", first);
        Path f2 = write("2026-03-29", "two.txt", second);
        String previous = spark().conf().get("spark.sql.files.maxPartitionBytes");
        spark().conf().set("spark.sql.files.maxPartitionBytes", "100");
        try {
            org.apache.spark.sql.Dataset<Row> text = spark().read().text(f1.toString(), f2.toString());
            org.junit.jupiter.api.Assertions.assertTrue(text.rdd().getNumPartitions() > 20, "the files are split: " + text.rdd().getNumPartitions());
            List<Row> rows = LogReader.withLineNumbers(text).collectAsList();
            assertEquals(420, rows.size());
            for (Row r : rows) {
                String value = r.getString(r.fieldIndex("value"));
                int expected = Integer.parseInt(value.substring(5, 9));
                assertEquals(expected, r.getInt(r.fieldIndex(RecordValidator.SOURCE_ROW)), value);
            }
        } finally {
            spark().conf().set("spark.sql.files.maxPartitionBytes", previous);
        }
    }
}
