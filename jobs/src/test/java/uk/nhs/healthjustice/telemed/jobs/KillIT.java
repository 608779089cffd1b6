package uk.nhs.healthjustice.telemed.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at several moments of a nightly run: readers always find a complete published state (the night
 * before, or the night after once committed), and the next run completes the work exactly.
 */
class KillIT {

    @TempDir
    Path tmp;

    static final List<String> TABLES = List.of("marts/waiting_times", "marts/access", "marts/data_quality",
            "curated/referrals", "curated/consults", "published/sites");

    /**
     * The packaged jar as a separate process on the small hand-written landing: {@code java -Xmx1g}, Spark
     * without adaptive planning or code generation (system properties, which Spark reads as its settings).
     * These tests are about locks, kills and commits, not plans; on a few dozen rows those two cost more than
     * they save: a cold run took 62-70 s with them and 50-52 s without (README, "Running the tests").
     * {@link ClusterIT} runs the jar with Spark's defaults.
     */
    static List<String> javaJar() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Dspark.sql.adaptive.enabled=false", "-Dspark.sql.codegen.wholeStage=false",
                "-Dspark.sql.codegen.factoryMode=NO_CODEGEN", "-jar", System.getProperty("telemed.jar"));
    }

    Process start(Path input, Path output, String date) throws Exception {
        List<String> cmd = new ArrayList<>(javaJar());
        cmd.addAll(List.of("nightly", "--input", input.toString(), "--output", output.toString(), "--run-date", date,
                "--max-reject-rate", "1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("run-" + System.nanoTime() + ".log").toFile());
        pb.environment().put("PSEUDONYMISATION_KEY", "kill-test-key-0123456789");
        return pb.start();
    }

    void runToEnd(Path input, Path output, String date) throws Exception {
        Process p = start(input, output, date);
        Assertions.assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        Assertions.assertEquals(0, p.exitValue());
    }

    static Map<String, List<Row>> state(SparkSession spark, Path output) {
        Map<String, List<Row>> out = new TreeMap<>();
        for (String t : TABLES) {
            out.put(t, spark.read().parquet(output.resolve(t).toString()).collectAsList());
        }
        return out;
    }

    @Test
    void aKilledRunLeavesTheLastPublishedStateAndTheNextRunFinishesTheWork() throws Exception {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        SparkSession spark = SparkSession.builder().master("local[2]").appName("kill-check")
                .config("spark.ui.enabled", "false").getOrCreate();

        Path clean = tmp.resolve("clean");
        runToEnd(input, clean, "2026-03-29");
        Map<String, List<Row>> afterNight1 = state(spark, clean);
        runToEnd(input, clean, "2026-03-30");
        Map<String, List<Row>> afterNight2 = state(spark, clean);
        Assertions.assertNotEquals(afterNight1, afterNight2);

        Path output = tmp.resolve("killed");
        runToEnd(input, output, "2026-03-29");
        int sawOld = 0;
        for (long delayMs : new long[] {1500, 3000, 4500, 6000, 7500, 9000, 11000}) {
            Process p = start(input, output, "2026-03-30");
            boolean finished = p.waitFor(delayMs, TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly().waitFor(); // SIGKILL
            }
            Map<String, List<Row>> seen = state(spark, output);
            Assertions.assertTrue(seen.equals(afterNight1) || seen.equals(afterNight2),
                    "after a kill at " + delayMs + " ms readers must see a complete state");
            if (seen.equals(afterNight1)) {
                sawOld++;
            }
        }
        Assertions.assertTrue(sawOld > 0, "no kill landed before the commit: the test proved nothing");
        runToEnd(input, output, "2026-03-30");
        Assertions.assertEquals(afterNight2, state(spark, output));
        Assertions.assertTrue(Files.isSymbolicLink(output.resolve("marts")));
    }
}
