package uk.nhs.healthjustice.telemed.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.jobs.run.OutputLock;

/**
 * The output lock with the CLI as separate processes (like {@link KillIT}): two runs started together on
 * one output folder, one refuses with exit code 5 and nothing is lost; a lock left by a killed run, or
 * one without heartbeat from another host, is taken over; a live one is refused until --break-lock.
 */
class OutputLockIT {

    @TempDir
    Path tmp;

    record Run(Process process, Path log) {
        int exit() throws Exception {
            // generous: three engineers' builds share two cores; KillIT-sized runs take minutes under that load
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly().waitFor();
                Assertions.fail("run did not finish in 10 minutes:\n" + output());
            }
            return process.exitValue();
        }

        String output() throws Exception {
            return Files.readString(log);
        }
    }

    Run start(Path input, Path output, String date, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(KillIT.javaJar());
        cmd.addAll(List.of("nightly", "--input", input.toString(), "--output", output.toString(), "--run-date", date,
                "--max-reject-rate", "1"));
        cmd.addAll(List.of(more));
        Path log = tmp.resolve("run-" + date + "-" + System.nanoTime() + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PSEUDONYMISATION_KEY", "lock-test-key-0123456789");
        return new Run(pb.start(), log);
    }

    @Test
    void twoRunsStartedTogetherOneRefusesAndNothingIsLost() throws Exception {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        SparkSession spark = SparkSession.builder().master("local[2]").appName("lock-check")
                .config("spark.ui.enabled", "false").getOrCreate();
        Path output = tmp.resolve("together");
        Run a = start(input, output, "2026-03-29");
        Run b = start(input, output, "2026-03-30");
        int ea = a.exit();
        int eb = b.exit();
        Assertions.assertEquals(List.of(0, ExitCodes.OUTPUT_LOCKED), ea == 0 ? List.of(ea, eb) : List.of(eb, ea),
                "one run succeeds, the other is refused:\n" + a.output() + "\n----\n" + b.output());
        Run won = ea == 0 ? a : b;
        Run refused = ea == 0 ? b : a;
        String wonDate = won == a ? "2026-03-29" : "2026-03-30";
        String refusedDate = won == a ? "2026-03-30" : "2026-03-29";
        String msg = refused.output();
        Assertions.assertTrue(msg.contains("telemed: Another run holds the output lock")
                && msg.contains("run nightly-" + wonDate) && msg.contains("on host ") && msg.contains("process "
                + won.process().pid()) && msg.contains("started ") && msg.contains("--break-lock"), msg);
        Assertions.assertFalse(Files.exists(output.resolve("runs/nightly-" + refusedDate + ".json")),
                "a refused run writes no manifest");
        Assertions.assertFalse(Files.exists(output.resolve(OutputLock.FILE_NAME)), "the lock is released at the end");

        // nothing lost: the refused night run again gives the state of the two nights run one after the other
        Assertions.assertEquals(0, start(input, output, refusedDate).exit());
        Path clean = tmp.resolve("clean");
        Assertions.assertEquals(0, start(input, clean, wonDate).exit());
        Assertions.assertEquals(0, start(input, clean, refusedDate).exit());
        Map<String, List<Row>> expected = KillIT.state(spark, clean);
        Assertions.assertEquals(expected, KillIT.state(spark, output));
        Assertions.assertTrue(Files.exists(output.resolve("runs/nightly-2026-03-29.json")));
        Assertions.assertTrue(Files.exists(output.resolve("runs/nightly-2026-03-30.json")));
    }

    @Test
    void aStaleLockIsTakenOverAndALiveOneIsRefusedUntilBroken() throws Exception {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        Path output = tmp.resolve("killed");
        // a run killed (SIGKILL) while it holds the lock leaves the lock behind
        Run killed = start(input, output, "2026-03-29");
        Path lock = output.resolve(OutputLock.FILE_NAME);
        long until = System.currentTimeMillis() + 60_000;
        while (!Files.exists(lock) && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        Assertions.assertTrue(Files.exists(lock), "the run took no lock");
        Thread.sleep(1500);
        killed.process().destroyForcibly().waitFor();
        Assertions.assertTrue(Files.exists(lock), "a killed run cannot release its lock");
        Assertions.assertEquals(killed.process().pid(), OutputLock.holderOf(output).orElseThrow().pid());

        Run next = start(input, output, "2026-03-29");
        Assertions.assertEquals(0, next.exit(), next.output());
        Assertions.assertTrue(next.output().contains("took over the output lock of run nightly-2026-03-29")
                && next.output().contains("its process " + killed.process().pid() + " on this host is gone"),
                next.output());

        // a lock from another host: live while its heartbeat is recent, stale after STALE_AFTER without one
        OutputLock.Holder elsewhere = new OutputLock.Holder("nightly-2026-03-30", "nightly", "other-host.example",
                4242, Instant.now().toString(), Instant.now().toString(), "token-of-the-other-run");
        OutputLock.writeForTest(output, elsewhere);
        Run refused = start(input, output, "2026-03-30");
        Assertions.assertEquals(ExitCodes.OUTPUT_LOCKED, refused.exit(), refused.output());
        Assertions.assertTrue(refused.output().contains("run nightly-2026-03-30 (nightly) on host other-host.example, "
                + "process 4242, started "), refused.output());
        Assertions.assertEquals("token-of-the-other-run", OutputLock.holderOf(output).orElseThrow().token(),
                "a refused run leaves the holder's lock alone");

        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(OutputLock.STALE_AFTER).minusSeconds(60)));
        Run afterSilence = start(input, output, "2026-03-30");
        Assertions.assertEquals(0, afterSilence.exit(), afterSilence.output());
        Assertions.assertTrue(afterSilence.output().contains("took over the output lock")
                && afterSilence.output().contains("no heartbeat for"), afterSilence.output());

        OutputLock.writeForTest(output, elsewhere); // fresh again
        Run broken = start(input, output, "2026-03-30", "--break-lock");
        Assertions.assertEquals(0, broken.exit(), broken.output());
        Assertions.assertTrue(broken.output().contains("broke the output lock of run nightly-2026-03-30 (nightly) on "
                + "host other-host.example"), broken.output());
        Assertions.assertFalse(Files.exists(lock));
    }
}
