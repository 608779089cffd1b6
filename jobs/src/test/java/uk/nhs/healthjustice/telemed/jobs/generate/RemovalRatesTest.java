package uk.nhs.healthjustice.telemed.jobs.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator plants RTT removals at the documented rates and stays deterministic. One year of the small
 * estate (6 sites, no bad rows, no corrections), read back from the landing files in all four formats.
 *
 * <p>Expected shares of clock stops at the default hazards (README, synthetic data): about 16% of routine
 * pathways leave before treatment at a prison (12% urgent, 9% two-week wait, most GIC), plus about 1% after the
 * first attendance, of which 0.6 / 0.854 = 70% are releases at a prison: released about 11% of a prison's
 * pathways, transferred out about 4.7%, died about 0.07% (0.004 / 0.854 of 16%). The small estate has four
 * prisons, a young offender institution (release 0.8: about 14.5% released) and an immigration removal centre
 * (release 2.0: about 33% released), so about 15% of pathways overall are released, a little more of the clock
 * stops (removals stop sooner). Completions split 78 / 17 / 5, so patient_declined is about 4% of stops. The
 * bounds below allow for sampling noise on about 6,000 pathways and fail if a rate is off by a factor of two.
 */
class RemovalRatesTest {

    @TempDir
    Path tmp;

    private static GeneratorOptions options() {
        return GeneratorOptions.defaults(Scale.SMALL).withYears(1.0).withBadRowRate(0).withCorrectionRate(0);
    }

    @Test
    void removalsAtTheDocumentedRates() throws IOException {
        Path landing = tmp.resolve("landing");
        new LandingGenerator().generate(landing, options());
        Map<String, String> reasons = clockStopReasons(landing);
        Map<String, Integer> counts = new HashMap<>();
        reasons.values().forEach(r -> counts.merge(r, 1, Integer::sum));
        int stops = reasons.size();
        Assertions.assertTrue(stops > 3000, "clock stops " + stops);
        Assertions.assertTrue(List.of("first_treatment", "decision_not_to_treat", "patient_declined", "released",
                "transferred_out", "died").containsAll(counts.keySet()), counts.toString());
        double released = counts.getOrDefault("released", 0) / (double) stops;
        double transferred = counts.getOrDefault("transferred_out", 0) / (double) stops;
        double declined = counts.getOrDefault("patient_declined", 0) / (double) stops;
        Assertions.assertTrue(released > 0.07 && released < 0.22, "released share " + released + " " + counts);
        Assertions.assertTrue(transferred > 0.02 && transferred < 0.07, "transferred share " + transferred);
        Assertions.assertTrue(released > 2 * transferred, counts.toString());
        Assertions.assertTrue(declined > 0.02 && declined < 0.07, "patient_declined share " + declined);
        Assertions.assertTrue(counts.getOrDefault("died", 0) < 0.005 * stops, counts.toString());
    }

    @Test
    void theSameSeedGivesTheSameReferrals() throws IOException {
        new LandingGenerator().generate(tmp.resolve("a"), options().withYears(0.3));
        new LandingGenerator().generate(tmp.resolve("b"), options().withYears(0.3));
        Assertions.assertEquals(digest(tmp.resolve("a").resolve("referrals")), digest(tmp.resolve("b").resolve("referrals")));
    }

    /** referral_id -> clock_stop_reason of its closed version (no corrections, so one closed version each). */
    private static Map<String, String> clockStopReasons(Path landing) throws IOException {
        Map<String, String> out = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(landing.resolve("referrals"))) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            try (InputStream raw = Files.newInputStream(f);
                 InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                 BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                if (name.contains(".jsonl")) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        JsonNode n = json.readTree(line);
                        JsonNode reason = n.get("clock_stop_reason");
                        if (reason != null && !reason.isNull()) {
                            out.put(n.get("referral_id").asText(), reason.asText());
                        }
                    }
                } else if (name.contains(".csv")) {
                    List<String> header = List.of(r.readLine().split(",", -1));
                    int id = header.indexOf("referral_id");
                    int reason = header.indexOf("clock_stop_reason");
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        String[] v = line.split(",", -1); // no referral field holds a comma
                        if (!v[reason].isEmpty()) {
                            out.put(v[id], v[reason]);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static String digest(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                md.update(dir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
