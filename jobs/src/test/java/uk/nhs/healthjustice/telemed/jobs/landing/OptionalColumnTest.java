package uk.nhs.healthjustice.telemed.jobs.landing;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.jobs.InputError;
import uk.nhs.healthjustice.telemed.schemas.Contracts;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * {@code closed_date} is an optional column of contract version 2: a version 1 file (no such column) is read
 * with it null; a version 2 file carries it; a file lacking a column that is not optional is still refused.
 */
class OptionalColumnTest extends SparkTestBase {

    private static final String V1 = "case_id,patient_id,site_id,section,referral_date,first_assessment_date,"
            + "first_assessment_modality,second_assessment_date,second_assessment_modality,bed_offered_date,"
            + "transfer_date,outcome,record_updated_at";

    @TempDir
    Path tmp;

    private Path write(String name, String... lines) throws Exception {
        Path dir = tmp.resolve("mha_assessments/load_date=2026-03-29");
        Files.createDirectories(dir);
        return Files.write(dir.resolve(name), List.of(lines));
    }

    @Test
    void aVersionOneFileReadsTheOptionalColumnAsNullAndAVersionTwoFileCarriesIt() throws Exception {
        Path v1 = write("v1.csv", V1, "M1,9434765919,BCI,s47,2026-03-01,,,,,,,open,2026-03-29T09:30:00Z");
        Path v2 = write("v2.csv", V1.replace(",record_updated_at", ",closed_date,record_updated_at"),
                "M2,9434765919,BCI,s48,2026-03-01,,,,,,,withdrawn,2026-03-20,2026-03-29T09:30:00Z");
        List<LandingFile> files = List.of(LandingFileChecker.check(v1, Contracts.MHA_ASSESSMENTS),
                LandingFileChecker.check(v2, Contracts.MHA_ASSESSMENTS));
        org.junit.jupiter.api.Assertions.assertTrue(files.get(0).extraColumns().isEmpty());
        List<Row> rows = LogReader.read(spark(), Contracts.MHA_ASSESSMENTS, files)
                .select(col("case_id"), col("closed_date"), col("outcome")).orderBy("case_id").collectAsList();
        assertEquals(2, rows.size());
        assertNull(rows.get(0).get(1));
        assertEquals("open", rows.get(0).getString(2));
        assertEquals("2026-03-20", rows.get(1).getString(1));
        assertEquals("withdrawn", rows.get(1).getString(2));
    }

    @Test
    void aFileLackingARequiredColumnIsStillRefusedNamingIt() throws Exception {
        Path bad = write("bad.csv", V1.replace(",outcome", ""), "M1,9434765919,BCI,s47,2026-03-01,,,,,,,2026-03-29T09:30:00Z");
        InputError e = assertThrows(InputError.class, () -> LandingFileChecker.check(bad, Contracts.MHA_ASSESSMENTS));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("[outcome]") && e.getMessage().contains("bad.csv"), e.getMessage());
    }
}
