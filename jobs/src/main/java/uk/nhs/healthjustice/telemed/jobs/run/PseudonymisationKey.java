package uk.nhs.healthjustice.telemed.jobs.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The operator's secret for {@code patient_key}: from a key file or the environment variable
 * {@code PSEUDONYMISATION_KEY}, never from a command-line argument (visible in process lists) and never logged.
 */
public final class PseudonymisationKey {

    public static final String ENVIRONMENT_VARIABLE = "PSEUDONYMISATION_KEY";
    /** Public and therefore worthless as a secret: for the demo on synthetic data only. */
    public static final String DEMO_KEY = "demo-key-for-synthetic-data-only-never-use-on-real-data";

    private PseudonymisationKey() {
    }

    /**
     * @throws IllegalArgumentException with an operator-facing message when no usable key is given
     */
    public static byte[] load(Path keyFile, String environmentValue) {
        String key;
        if (keyFile != null) {
            try {
                key = Files.readString(keyFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("Cannot read the key file " + keyFile + ": " + e.getMessage());
            }
        } else if (environmentValue != null && !environmentValue.isBlank()) {
            key = environmentValue.strip();
        } else {
            throw new IllegalArgumentException("No pseudonymisation key: set " + ENVIRONMENT_VARIABLE
                    + " or pass --key-file FILE (the demo command uses a public demo key)");
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 16) {
            throw new IllegalArgumentException("Invalid pseudonymisation key: at least 16 bytes are needed");
        }
        return bytes;
    }
}
