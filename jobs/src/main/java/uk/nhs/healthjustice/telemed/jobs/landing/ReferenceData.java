package uk.nhs.healthjustice.telemed.jobs.landing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.healthjustice.telemed.jobs.InputError;
import uk.nhs.healthjustice.telemed.schemas.UnitCost;

/**
 * The reference files: the site register, monthly populations and the optional community benchmarks. They
 * are small whole files, so they are checked row by row on the driver; a bad row stops the run with the
 * file, the line and the reason, because every measure depends on them.
 */
public final class ReferenceData {

    public static final StructType SITES = new StructType()
            .add("site_id", DataTypes.StringType, false)
            .add("site_name", DataTypes.StringType, false)
            .add("site_type", DataTypes.StringType, false)
            .add("region", DataTypes.StringType, false)
            .add("operational_capacity", DataTypes.IntegerType, false)
            .add("telemedicine_go_live", DataTypes.DateType, true);

    public static final StructType POPULATION = new StructType()
            .add("site_id", DataTypes.StringType, false)
            .add("month", DataTypes.DateType, false)
            .add("average_population", DataTypes.IntegerType, false);

    public static final StructType BENCHMARKS = new StructType()
            .add("month", DataTypes.DateType, false)
            .add("specialty_code", DataTypes.StringType, false)
            .add("median_wait_days", DataTypes.IntegerType, false)
            .add("telemedicine_share", DataTypes.DoubleType, false);

    /** Version 2, optional: each site's connectivity and devices from {@code valid_from} until its next row. */
    public static final StructType SITE_CONNECTIVITY = new StructType()
            .add("site_id", DataTypes.StringType, false)
            .add("valid_from", DataTypes.DateType, false)
            .add("connectivity", DataTypes.StringType, false)
            .add("devices", DataTypes.StringType, false);

    private static final Set<String> SITE_TYPES = Set.of("prison", "yoi", "irc", "secure_childrens_home");
    /** {@code site_connectivity.csv} enums, in the contract's order. */
    public static final List<String> CONNECTIVITY = List.of("none", "poor", "adequate");
    public static final List<String> DEVICES = List.of("none", "fixed_room", "tablets_4g");

    private final Dataset<Row> sites;
    private final Dataset<Row> population;
    private final Dataset<Row> benchmarks;
    private final Dataset<Row> unitCosts;
    private final Dataset<Row> siteConnectivity;
    private final List<Path> files;

    private ReferenceData(Dataset<Row> sites, Dataset<Row> population, Dataset<Row> benchmarks, Dataset<Row> unitCosts,
                          Dataset<Row> siteConnectivity, List<Path> files) {
        this.sites = sites;
        this.population = population;
        this.benchmarks = benchmarks;
        this.unitCosts = unitCosts;
        this.siteConnectivity = siteConnectivity;
        this.files = files;
    }

    public static final StructType UNIT_COSTS = new StructType()
            .add("name", DataTypes.StringType, false)
            .add("value_gbp", DataTypes.createDecimalType(18, UnitCost.SCALE), false)
            .add("unit", DataTypes.StringType, true)
            .add("valid_from", DataTypes.DateType, false)
            .add("valid_to", DataTypes.DateType, true)
            .add("source", DataTypes.StringType, true);

    /** The unit-cost model of reference/costs.json. */
    public Dataset<Row> unitCosts() {
        return unitCosts;
    }

    public Dataset<Row> sites() {
        return sites;
    }

    public Dataset<Row> population() {
        return population;
    }

    /** Null when no benchmark file was supplied. */
    public Dataset<Row> benchmarks() {
        return benchmarks;
    }

    /**
     * The rows of {@code reference/site_connectivity.csv} ({@link #SITE_CONNECTIVITY}); null when no such file
     * was supplied (valid: the marts that need it are then empty).
     */
    public Dataset<Row> siteConnectivity() {
        return siteConnectivity;
    }

    public List<Path> files() {
        return files;
    }

    public static ReferenceData load(SparkSession spark, Path input) {
        Path ref = input.resolve("reference");
        Path sitesFile = ref.resolve("sites.csv");
        Path popFile = ref.resolve("population.csv");
        Path benchFile = ref.resolve("community_benchmarks.csv");
        List<Path> files = new ArrayList<>(List.of(sitesFile, popFile));

        List<Row> siteRows = new ArrayList<>();
        Set<String> siteIds = new HashSet<>();
        CsvTable t = CsvTable.read(spark, sitesFile, SITES.fieldNames());
        for (int i = 0; i < t.rows().size(); i++) {
            Row r = t.rows().get(i);
            Cells c = new Cells(sitesFile, i + 2, t, r);
            String id = c.required("site_id");
            if (!id.matches("[A-Z0-9]{2,8}")) {
                throw c.error("site_id '" + id + "' is not 2-8 upper-case letters or digits");
            }
            if (!siteIds.add(id)) {
                throw c.error("site_id '" + id + "' appears twice");
            }
            String type = c.required("site_type");
            if (!SITE_TYPES.contains(type)) {
                throw c.error("site_type '" + type + "' is not one of " + SITE_TYPES);
            }
            int capacity = c.integer("operational_capacity");
            if (capacity <= 0) {
                throw c.error("operational_capacity must be > 0");
            }
            siteRows.add(RowFactory.create(id, c.required("site_name"), type, c.required("region"), capacity,
                    c.optionalDate("telemedicine_go_live")));
        }

        List<Row> popRows = new ArrayList<>();
        CsvTable p = CsvTable.read(spark, popFile, POPULATION.fieldNames());
        for (int i = 0; i < p.rows().size(); i++) {
            Cells c = new Cells(popFile, i + 2, p, p.rows().get(i));
            String site = c.required("site_id");
            if (!siteIds.contains(site)) {
                throw c.error("site_id '" + site + "' is not in the site register");
            }
            int pop = c.integer("average_population");
            if (pop < 0) {
                throw c.error("average_population must be >= 0");
            }
            popRows.add(RowFactory.create(site, c.month("month"), pop));
        }

        Dataset<Row> bench = null;
        if (Files.exists(benchFile)) {
            files.add(benchFile);
            List<Row> benchRows = new ArrayList<>();
            CsvTable b = CsvTable.read(spark, benchFile, BENCHMARKS.fieldNames());
            for (int i = 0; i < b.rows().size(); i++) {
                Cells c = new Cells(benchFile, i + 2, b, b.rows().get(i));
                String code = c.required("specialty_code");
                if (!code.matches("\\d{3}|GIC")) {
                    throw c.error("specialty_code '" + code + "' is not a 3-digit code or GIC");
                }
                double share = c.decimal("telemedicine_share");
                if (!(share >= 0 && share <= 1)) {
                    throw c.error("telemedicine_share must be between 0 and 1");
                }
                benchRows.add(RowFactory.create(c.month("month"), code, c.integer("median_wait_days"), share));
            }
            bench = spark.createDataFrame(benchRows, BENCHMARKS);
        }
        Path costsFile = ref.resolve("costs.json");
        files.add(costsFile);
        List<Row> costRows = new ArrayList<>();
        for (UnitCost c : readCosts(costsFile)) {
            costRows.add(RowFactory.create(c.name(), c.valueGbp(), c.unit(), Date.valueOf(c.validFrom()),
                    c.validTo() == null ? null : Date.valueOf(c.validTo()), c.source()));
        }
        Path connectivityFile = ref.resolve("site_connectivity.csv");
        Dataset<Row> connectivity = null;
        if (Files.exists(connectivityFile)) {
            files.add(connectivityFile);
            connectivity = spark.createDataFrame(readConnectivity(spark, connectivityFile, siteIds), SITE_CONNECTIVITY);
        }
        return new ReferenceData(spark.createDataFrame(siteRows, SITES), spark.createDataFrame(popRows, POPULATION),
                bench, spark.createDataFrame(costRows, UNIT_COSTS), connectivity, files);
    }

    /**
     * Checks {@code site_connectivity.csv} row by row: a site in the register, a required {@code valid_from}
     * date unique per site (two rows from one day would leave the state of that day undefined), and both enums
     * from their lists. A bad row stops the run with the file and the line.
     */
    static List<Row> readConnectivity(SparkSession spark, Path file, Set<String> siteIds) {
        List<Row> rows = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        CsvTable t = CsvTable.read(spark, file, SITE_CONNECTIVITY.fieldNames());
        for (int i = 0; i < t.rows().size(); i++) {
            Cells c = new Cells(file, i + 2, t, t.rows().get(i));
            String site = c.required("site_id");
            if (!siteIds.contains(site)) {
                throw c.error("site_id '" + site + "' is not in the site register");
            }
            Date from = c.requiredDate("valid_from");
            if (!seen.add(site + "|" + from)) {
                throw c.error("valid_from " + from + " appears twice for site_id '" + site + "'");
            }
            String connectivity = c.required("connectivity");
            if (!CONNECTIVITY.contains(connectivity)) {
                throw c.error("connectivity '" + connectivity + "' is not one of " + CONNECTIVITY);
            }
            String devices = c.required("devices");
            if (!DEVICES.contains(devices)) {
                throw c.error("devices '" + devices + "' is not one of " + DEVICES);
            }
            rows.add(RowFactory.create(site, from, connectivity, devices));
        }
        return rows;
    }

    /** Reads and checks the cost model; a problem stops the run with the file and what is wrong. */
    static List<UnitCost> readCosts(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputError("Cannot read " + file + ": reference file is missing");
        }
        List<UnitCost> costs = new ArrayList<>();
        try {
            // numbers read as exact decimals: 32.1 stays 32.1, never the double nearest to it
            com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .readTree(file.toFile());
            if (root == null || !root.isArray()) {
                throw new InputError("Invalid reference data in " + file + ": expected a JSON list of unit costs");
            }
            for (com.fasterxml.jackson.databind.JsonNode n : root) {
                costs.add(new UnitCost(text(n, "name"), n.hasNonNull("value_gbp") && n.get("value_gbp").isNumber()
                        ? n.get("value_gbp").decimalValue() : null,
                        text(n, "unit"), date(n, "valid_from", file), date(n, "valid_to", file), text(n, "source")));
            }
        } catch (java.io.IOException e) {
            throw new InputError("Cannot read " + file + ": not valid JSON (" + e.getMessage().split("\n")[0] + ")", e);
        }
        List<String> problems = UnitCost.problems(costs);
        if (!problems.isEmpty()) {
            throw new InputError("Invalid reference data in " + file + ": " + String.join("; ", problems));
        }
        return costs;
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    private static LocalDate date(com.fasterxml.jackson.databind.JsonNode n, String field, Path file) {
        String v = text(n, field);
        try {
            return v == null ? null : LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw new InputError("Invalid reference data in " + file + ": " + field + " '" + v + "' is not a YYYY-MM-DD date");
        }
    }

    /** A reference CSV read by Spark with every column as text (never inferred), in file order. */
    record CsvTable(List<String> header, List<Row> rows) {
        static CsvTable read(SparkSession spark, Path file, String[] required) {
            if (!Files.isRegularFile(file)) {
                throw new InputError("Cannot read " + file + ": reference file is missing");
            }
            LandingFile checked = LandingFileChecker.checkReference(file);
            List<String> missing = new ArrayList<>(List.of(required));
            missing.removeAll(checked.header());
            if (!missing.isEmpty()) {
                throw new InputError("Cannot read " + file + ": wrong header, line 1 lacks column(s) " + missing);
            }
            StructType schema = new StructType();
            for (String h : checked.header()) {
                schema = schema.add(h, DataTypes.StringType);
            }
            Dataset<Row> df = spark.read().schema(schema).option("header", "true").option("multiLine", "true")
                    .option("mode", "FAILFAST").option("enforceSchema", "true").csv(file.toString());
            if (checked.lines() > 200_000) {
                throw new InputError("Cannot read " + file + ": over 200,000 lines is not a reference file");
            }
            return new CsvTable(checked.header(), df.collectAsList()); // bounded by the check above
        }
    }

    /** Typed access to one reference row, with errors that name the file and line. */
    record Cells(Path file, int line, CsvTable table, Row row) {
        String text(String column) {
            Object v = row.get(table.header().indexOf(column));
            if (v == null) {
                return null;
            }
            String s = v.toString().trim();
            return s.isEmpty() ? null : s;
        }

        String required(String column) {
            String v = text(column);
            if (v == null) {
                throw error(column + " is required");
            }
            return v;
        }

        int integer(String column) {
            String v = required(column);
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw error(column + " '" + v + "' is not a whole number");
            }
        }

        double decimal(String column) {
            String v = required(column);
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw error(column + " '" + v + "' is not a number");
            }
        }

        Date optionalDate(String column) {
            String v = text(column);
            if (v == null) {
                return null;
            }
            try {
                return Date.valueOf(LocalDate.parse(v));
            } catch (DateTimeParseException e) {
                throw error(column + " '" + v + "' is not a YYYY-MM-DD date");
            }
        }

        Date requiredDate(String column) {
            required(column);
            return optionalDate(column);
        }

        Date month(String column) {
            String v = required(column);
            try {
                if (!v.matches("\\d{4}-\\d{2}")) {
                    throw new DateTimeParseException("form", v, 0);
                }
                return Date.valueOf(YearMonth.parse(v).atDay(1));
            } catch (DateTimeParseException e) {
                throw error(column + " '" + v + "' is not a YYYY-MM month");
            }
        }

        InputError error(String what) {
            return new InputError("Invalid reference data in " + file + " line " + line + ": " + what);
        }
    }
}
