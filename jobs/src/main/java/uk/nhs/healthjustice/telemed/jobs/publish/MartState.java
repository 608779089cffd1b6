package uk.nhs.healthjustice.telemed.jobs.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What a generation's marts were computed from, kept beside them ({@code marts.json}, see
 * {@link OutputStore#martState}) so the next run can tell whether it may carry their earlier periods over: the
 * run date (periods up to its quarter exist) and a fingerprint of the reference files and the pipeline version
 * (if either changed, every period may have).
 */
public record MartState(String runDate, String fingerprint) {

    /** SHA-256 over the version and each reference file's name and bytes (reference files are small). */
    public static String fingerprint(List<Path> referenceFiles, String version) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(version.getBytes(StandardCharsets.UTF_8));
            for (Path f : referenceFiles.stream().sorted().toList()) {
                sha.update(("\n" + f.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read a reference file: " + e.getMessage(), e);
        }
    }
}
