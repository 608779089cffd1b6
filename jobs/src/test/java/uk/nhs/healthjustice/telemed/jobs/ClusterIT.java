package uk.nhs.healthjustice.telemed.jobs;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit jar on a real Spark standalone cluster (one master, two workers, loopback only) started
 * from the project's own Maven jars, no Spark download: the same marts as {@code java -jar} in local mode.
 */
class ClusterIT {

    @TempDir
    static Path tmp;
    static final List<Process> daemons = new ArrayList<>();
    static String masterUrl;

    static List<String> flags() {
        return Arrays.asList(System.getProperty("spark.jvm.flags").trim().split("\\s+"));
    }

    /** A fake SPARK_HOME whose jars/ holds the runtime classpath: what a Worker needs to launch executors. */
    static Path sparkHome() throws IOException {
        Path home = tmp.resolve("spark-home");
        Files.createDirectories(home.resolve("jars"));
        Files.createDirectories(home.resolve("work"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") && entry.contains("/.m2/repository/") && !entry.contains("/uk/nhs/healthjustice/")
                    && !entry.contains("/junit/") && !entry.contains("spark-testing-base")) {
                Path link = home.resolve("jars").resolve(p.getFileName());
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, p);
                }
            }
        }
        return home;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Process java(Path home, Path log, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(flags());
        cmd.addAll(List.of("-Xmx512m", "-cp", home.resolve("jars") + "/*", mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    @BeforeAll
    static void startCluster() throws Exception {
        Path home = sparkHome();
        int port = freePort();
        int ui = freePort();
        masterUrl = "spark://127.0.0.1:" + port;
        daemons.add(java(home, tmp.resolve("master.log"), "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", String.valueOf(ui)));
        Thread.sleep(4000);
        for (int i = 0; i < 2; i++) {
            daemons.add(java(home, tmp.resolve("worker" + i + ".log"), "org.apache.spark.deploy.worker.Worker",
                    masterUrl, "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
                    "--work-dir", home.resolve("work").toString(), "--webui-port", String.valueOf(freePort())));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpClient http = HttpClient.newHttpClient();
        while (System.nanoTime() < deadline) {
            try {
                // the master's status page on loopback: {"aliveworkers" : 2, ...}
                String status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui + "/json/")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (status.replace(" ", "").contains("\"aliveworkers\":2")) {
                    return;
                }
            } catch (IOException notYetUp) {
                // the master is still starting
            }
            Thread.sleep(500);
        }
        Assertions.fail("workers did not register:\n" + Files.readString(tmp.resolve("master.log")));
    }

    @AfterAll
    static void stopCluster() {
        daemons.forEach(Process::destroy);
        daemons.forEach(p -> {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p.destroyForcibly();
        });
    }

    static int run(Path log, List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PSEUDONYMISATION_KEY", "cluster-test-key-0123456789");
        Process p = pb.start();
        Assertions.assertTrue(p.waitFor(5, TimeUnit.MINUTES), "timed out: " + cmd);
        return p.exitValue();
    }

    @Test
    void sparkSubmitOnAStandaloneClusterGivesTheSameMartsAsLocalMode() throws Exception {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path home = tmp.resolve("spark-home");
        for (String date : List.of("2026-03-29", "2026-03-30")) {
            int local = run(tmp.resolve("local-" + date + ".log"), List.of(java, "-jar",
                    System.getProperty("telemed.jar"), "nightly", "--input", input.toString(),
                    "--output", tmp.resolve("out-local").toString(), "--run-date", date, "--max-reject-rate", "1"));
            Assertions.assertEquals(0, local, Files.readString(tmp.resolve("local-" + date + ".log")));

            List<String> submit = new ArrayList<>(List.of(java));
            submit.addAll(flags());
            submit.addAll(List.of("-cp", home.resolve("jars") + "/*", "org.apache.spark.deploy.SparkSubmit",
                    "--master", masterUrl, "--deploy-mode", "client",
                    "--class", "uk.nhs.healthjustice.telemed.jobs.TelemedCli",
                    "--conf", "spark.cores.max=2", "--conf", "spark.executor.memory=512m",
                    "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                    System.getProperty("telemed.submit.jar"),
                    "nightly", "--input", input.toString(), "--output", tmp.resolve("out-cluster").toString(),
                    "--run-date", date, "--max-reject-rate", "1"));
            int cluster = run(tmp.resolve("cluster-" + date + ".log"), submit);
            Assertions.assertEquals(0, cluster, Files.readString(tmp.resolve("cluster-" + date + ".log")));
        }
        Assertions.assertTrue(Files.readString(tmp.resolve("cluster-2026-03-30.log")).contains("[telemed] publish"));

        // the executors wrote Delta (the quarantine; the history, compared below) from the classes the submit jar
        // carries
        Assertions.assertTrue(Files.readString(tmp.resolve("cluster-2026-03-30.log")).contains("publish quarantine"));

        SparkSession.Builder compare = SparkSession.builder().master("local[2]").appName("compare")
                .config("spark.ui.enabled", "false");
        uk.nhs.healthjustice.telemed.jobs.run.SparkSessions.DELTA.forEach(compare::config);
        SparkSession spark = compare.getOrCreate();
        for (String mart : List.of("marts/waiting_times", "marts/access", "marts/data_quality", "curated/consults",
                "quarantine/consults", "quarantine/referrals", "history/consults", "history/referrals")) {
            List<Row> local = rows(spark, tmp.resolve("out-local").resolve(mart));
            List<Row> cluster = rows(spark, tmp.resolve("out-cluster").resolve(mart));
            Assertions.assertFalse(local.isEmpty(), mart);
            Assertions.assertEquals(local, cluster, mart);
        }
    }

    /** A table's rows without the (path-dependent) source file; a Delta table's (quarantine, history) sorted. */
    private static List<Row> rows(SparkSession spark, Path table) {
        org.apache.spark.sql.Dataset<Row> t = OutputSnapshots.read(spark, table).drop("source_file");
        if (List.of("quarantine", "history").contains(table.getParent().getFileName().toString())) {
            t = t.orderBy(Arrays.stream(t.columns()).map(org.apache.spark.sql.functions::col)
                    .toArray(org.apache.spark.sql.Column[]::new)); // Delta's file order is its own
        }
        return t.collectAsList();
    }
}
