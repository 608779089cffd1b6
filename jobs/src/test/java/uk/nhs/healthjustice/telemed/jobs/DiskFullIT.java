package uk.nhs.healthjustice.telemed.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.jobs.run.RunManifest;

/**
 * A full disk, for real: the output folder on a small tmpfs almost filled beforehand. Needs permission to
 * mount (root); skipped otherwise ({@link OperationalSafetyTest} covers other I/O failures everywhere).
 */
class DiskFullIT {

    @TempDir
    Path tmp;

    @Test
    void aFullDiskGivesOneLineNamingThePathAndCauseAndTheManifest() throws Exception {
        Path mount = tmp.resolve("tiny");
        Files.createDirectories(mount);
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        Assumptions.assumeTrue(m.waitFor(30, TimeUnit.SECONDS) && m.exitValue() == 0, "cannot mount a tmpfs here");
        try {
            Path output = mount.resolve("out");
            Files.createDirectories(output.resolve("runs"));
            // leave about 40 KB: enough for the lock and the manifest, not for the night's Parquet files
            long free = Files.getFileStore(mount).getUsableSpace();
            Files.write(mount.resolve("filler"), new byte[(int) Math.max(0, free - 40_000)]);
            Path input = LandingFixture.write(tmp.resolve("landing"));
            Path log = tmp.resolve("run.log");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g", "-jar", System.getProperty("telemed.jar"), "nightly", "--input", input.toString(),
                    "--output", output.toString(), "--run-date", "2026-03-29", "--max-reject-rate", "1")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("PSEUDONYMISATION_KEY", "disk-full-test-key-0123456789");
            Process p = pb.start();
            Assertions.assertTrue(p.waitFor(10, TimeUnit.MINUTES), "run did not finish");
            String out = Files.readString(log);
            Assertions.assertEquals(ExitCodes.INTERNAL_FAILURE, p.exitValue(), out);
            List<String> lines = out.lines().filter(l -> l.startsWith("telemed:")).toList();
            Assertions.assertEquals(2, lines.size(), out);
            Assertions.assertTrue(lines.get(0).contains(output.toString())
                    && lines.get(0).contains("No space left on device"), out);
            Assertions.assertTrue(lines.get(1).contains("stack trace in"), out);
            Assertions.assertTrue(out.lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace on the terminal:\n" + out);
            RunManifest manifest = RunManifest.read(output.resolve("runs/nightly-2026-03-29.json"));
            Assertions.assertEquals("failed", manifest.status);
            Assertions.assertTrue(manifest.message.contains("No space left on device"), manifest.message);
        } finally {
            new ProcessBuilder("umount", mount.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
