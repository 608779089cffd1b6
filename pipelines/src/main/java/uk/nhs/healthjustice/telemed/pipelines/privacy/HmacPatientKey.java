package uk.nhs.healthjustice.telemed.pipelines.privacy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.api.java.UDF1;

/**
 * HMAC-SHA256 of a normalised NHS number under the operator's secret key, as lower-case hex.
 *
 * <p>A UDF rather than built-in {@code sha2} over ipad/opad literals: built-ins would put key-derived bytes
 * into query plans, which Spark prints in logs, the UI and event logs. Here the key travels only inside the
 * serialised function.
 */
public final class HmacPatientKey implements UDF1<String, String> {

    private static final long serialVersionUID = 1L;
    private final byte[] key;
    private transient Mac mac;

    public HmacPatientKey(byte[] key) {
        if (key == null || key.length < 16) {
            throw new IllegalArgumentException("Invalid pseudonymisation key: at least 16 bytes are needed");
        }
        this.key = key.clone();
    }

    @Override
    public String call(String normalisedNhsNumber) {
        if (normalisedNhsNumber == null) {
            return null;
        }
        return HexFormat.of().formatHex(mac().doFinal(normalisedNhsNumber.getBytes(StandardCharsets.UTF_8)));
    }

    private Mac mac() {
        if (mac == null) {
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Cannot initialise HMAC-SHA256", e);
            }
        }
        return mac;
    }

    @Override
    public String toString() {
        return "HmacPatientKey[key hidden]";
    }
}
