package uk.nhs.healthjustice.telemed.jobs.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What a generation's marts were computed from, kept beside them ({@code marts.json}) so the next run can tell
 * whether it may carry their earlier periods over: the run date (periods up to its quarter exist) and a
 * fingerprint of the reference files and the pipeline version (if either changed, every period may have).
 */
public record MartState(String runDate, String fingerprint) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String FILE = "marts.json";

    /** SHA-256 over the version and each reference file's name and bytes. */
    public static String fingerprint(List<Path> referenceFiles, String version) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(version.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (Path f : referenceFiles.stream().sorted().toList()) {
                sha.update(("\n" + f.getFileName() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try (InputStream in = Files.newInputStream(f)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        sha.update(buf, 0, n);
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read a reference file: " + e.getMessage(), e);
        }
    }

    /** The state of a generation, or null when it has none (written by an older version). */
    static MartState read(Path generationDir) {
        Path f = generationDir.resolve(FILE);
        try {
            return Files.exists(f) ? JSON.readValue(f.toFile(), MartState.class) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + f, e);
        }
    }

    void write(Path generationDir) {
        try {
            Files.createDirectories(generationDir);
            JSON.writeValue(generationDir.resolve(FILE).toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
