package uk.nhs.healthjustice.telemed.jobs.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.jobs.landing.ReferenceData;
import uk.nhs.healthjustice.telemed.schemas.Contracts;

/**
 * The generator's additions of contract version 2 beside the safety logs (issue 19): the {@code patients} log
 * (valid but for its planted bad rows, delivered by the night of each patient's first referral or consult, with
 * the planted shares), {@code reference/site_connectivity.csv} (valid as ReferenceData checks it), the planted
 * connectivity and age effects, and the options that leave the new files out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PatientsAndConnectivityTest {

    @TempDir
    Path tmp;

    /** A moderate generation with both plants on: 20 sites, half a year. */
    private Path landing;
    private GenerationSummary g;

    @BeforeAll
    void generate(@TempDir Path shared) throws IOException {
        landing = shared.resolve("moderate");
        g = new LandingGenerator().generate(landing, GeneratorOptions.defaults(Scale.SMALL).withSites(20)
                .withYears(0.5).withSiteConnectivity(true).withPoorConnectivityEffectRatio(0.5)
                .withOldestAgeBandRemoteMultiplier(0.5));
    }

    static String nhs(String raw) {
        return raw == null ? null : raw.replace(" ", "");
    }

    /** The newest valid version of each patient's record, by NHS number. */
    static Map<String, Map<String, String>> latestPatients(Path landing) throws IOException {
        Set<String> sites = LandingFiles.goLives(landing).keySet();
        Map<String, Map<String, String>> latest = new HashMap<>();
        for (Map<String, String> r : LandingFiles.rows(landing, PatientLogs.LOG)) {
            if (LandingFiles.broken(Contracts.PATIENTS, r, sites).isEmpty()) {
                latest.merge(nhs(r.get("patient_id")), r,
                        (a, b) -> LandingFiles.instant(b).isAfter(LandingFiles.instant(a)) ? b : a);
            }
        }
        return latest;
    }

    @Test
    void patientsLogIsValidButForThePlantedBadRows() throws IOException {
        Path small = tmp.resolve("bad");
        GenerationSummary s = new LandingGenerator().generate(small, GeneratorOptions.defaults(Scale.SMALL)
                .withYears(0.3).withBadRowRate(0.15).withCorrectionRate(0.1));
        Set<String> sites = LandingFiles.goLives(small).keySet();
        Set<String> formats = new TreeSet<>();
        for (Path f : LandingFiles.files(small, PatientLogs.LOG)) {
            String folder = f.getParent().getFileName().toString();
            LocalDate night = LocalDate.parse(folder.substring("load_date=".length()));
            Assertions.assertTrue(s.loadDates().contains(night), f.toString());
            String name = f.getFileName().toString();
            Assertions.assertTrue(name.startsWith("patients-" + night + "."), name);
            formats.add(name.substring(("patients-" + night).length()));
        }
        Assertions.assertEquals(Set.of(".csv", ".jsonl", ".csv.gz", ".jsonl.gz"), formats);
        List<Map<String, String>> rows = LandingFiles.rows(small, PatientLogs.LOG);
        Assertions.assertEquals(s.patientRows(), rows.size());
        long invalid = 0;
        Map<String, Integer> rules = new TreeMap<>();
        for (Map<String, String> r : rows) {
            List<String> broken = LandingFiles.broken(Contracts.PATIENTS, r, sites);
            if (!broken.isEmpty()) {
                invalid++;
                broken.forEach(b -> rules.merge(b, 1, Integer::sum));
            }
        }
        Assertions.assertTrue(s.patientBadRowsPlanted() > 2 * BadRows.PATIENT_KINDS.size(), "" + s.patientBadRowsPlanted());
        Assertions.assertEquals(s.patientBadRowsPlanted(), invalid, "every invalid row is a planted one: " + rules);
        Assertions.assertEquals(Set.of("patient_id_invalid", "patient_id_missing", "age_band_invalid", "sex_invalid",
                "gender_identity_differs_invalid", "ethnic_group_invalid", "disability_invalid",
                "record_updated_at_invalid", "malformed_record"), rules.keySet());
        // the literal "unknown" is a bad value in every enum and boolean (unknown is a blank)
        for (String field : List.of("age_band", "sex", "gender_identity_differs", "ethnic_group", "disability")) {
            Assertions.assertTrue(rows.stream().anyMatch(r -> "unknown".equals(r.get(field))), field);
        }
        // corrections (a newer valid version) and exact re-deliveries are there
        Map<String, Set<String>> versions = new HashMap<>();
        Map<String, Integer> copies = new HashMap<>();
        for (Map<String, String> r : rows) {
            if (LandingFiles.broken(Contracts.PATIENTS, r, sites).isEmpty()) {
                versions.computeIfAbsent(nhs(r.get("patient_id")), k -> new HashSet<>()).add(r.get("record_updated_at"));
                copies.merge(nhs(r.get("patient_id")) + r.get("record_updated_at"), 1, Integer::sum);
            }
        }
        Assertions.assertTrue(versions.values().stream().anyMatch(v -> v.size() > 1), "a correction");
        Assertions.assertTrue(copies.values().stream().anyMatch(c -> c > 1), "a re-delivery");
    }

    @Test
    void everyPatientSeenHasARecordByTheNightOfTheFirstReferralOrConsult() throws IOException {
        Map<String, LocalDate> firstNight = new HashMap<>();
        for (String log : List.of("referrals", "consults")) {
            for (Map<String, String> r : LandingFiles.rows(landing, log)) {
                String p = nhs(r.get("patient_id"));
                if (p != null && uk.nhs.healthjustice.telemed.schemas.NhsNumber.isValid(p)) {
                    firstNight.merge(p, LocalDate.parse(r.get("_load_date")), (a, b) -> a.isBefore(b) ? a : b);
                }
            }
        }
        Map<String, LocalDate> recordNight = new HashMap<>();
        Set<String> sites = LandingFiles.goLives(landing).keySet();
        for (Map<String, String> r : LandingFiles.rows(landing, PatientLogs.LOG)) {
            if (LandingFiles.broken(Contracts.PATIENTS, r, sites).isEmpty()) {
                recordNight.merge(nhs(r.get("patient_id")), LocalDate.parse(r.get("_load_date")),
                        (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        Assertions.assertTrue(firstNight.keySet().containsAll(recordNight.keySet()), "records only for patients seen");
        long without = 0;
        for (var e : firstNight.entrySet()) {
            LocalDate n = recordNight.get(e.getKey());
            if (n == null) {
                without++;
            } else {
                Assertions.assertFalse(n.isAfter(e.getValue()), e.getKey() + ": record " + n + ", first seen " + e.getValue());
            }
        }
        double share = (double) without / firstNight.size();
        Assertions.assertEquals(PatientLogs.NO_RECORD, share, 0.01, "patients with no record");
    }

    @Test
    void sharesAreNearThePlantedValues() throws IOException {
        Map<String, Map<String, String>> latest = latestPatients(landing);
        Assertions.assertTrue(latest.size() > 10_000, "patients " + latest.size());
        Assertions.assertEquals(0.96, shareOf(latest, "sex", "male"), 0.01);
        Assertions.assertEquals(0.72, shareOf(latest, "ethnic_group", "white"), 0.015);
        Assertions.assertEquals(0.12, shareOf(latest, "ethnic_group", "black"), 0.01);
        Assertions.assertEquals(0.08, shareOf(latest, "ethnic_group", "asian"), 0.01);
        Assertions.assertEquals(0.05, shareOf(latest, "ethnic_group", "mixed"), 0.01);
        Assertions.assertEquals(0.02, shareOf(latest, "ethnic_group", "other"), 0.005);
        Assertions.assertEquals(PatientLogs.DISABILITY, shareOf(latest, "disability", "true"), 0.015);
        double differs = shareOf(latest, "gender_identity_differs", "true");
        Assertions.assertTrue(differs > 0 && differs < 0.015, "gender identity differs " + differs);
        // the estate of 20 has three sites of young people (a yoi at 4 and 17, a secure children's home at 7)
        // so compare bands only adult prisons and the IRC hold: 30-39 (32%) against 40-49 (21%) and 70+ (2%)
        double thirties = shareOf(latest, "age_band", "30-39");
        Assertions.assertEquals(32.0 / 21, thirties / shareOf(latest, "age_band", "40-49"), 0.1);
        Assertions.assertEquals(2.0 / 32, shareOf(latest, "age_band", "70+") / thirties, 0.015);
        Assertions.assertTrue(shareOf(latest, "age_band", "under_18") > 0.005, "under_18 at the children's home");
        for (String field : List.of("age_band", "sex", "gender_identity_differs", "ethnic_group", "disability")) {
            Assertions.assertTrue(latest.values().stream().anyMatch(r -> r.get(field) == null), "blank " + field);
        }
    }

    /** Share of a value among the records where the field is recorded. */
    static double shareOf(Map<String, Map<String, String>> latest, String field, String value) {
        long recorded = latest.values().stream().filter(r -> r.get(field) != null).count();
        long with = latest.values().stream().filter(r -> value.equals(r.get(field))).count();
        return (double) with / recorded;
    }

    @Test
    void siteConnectivityPassesReferenceDataChecks() throws IOException {
        Map<String, LocalDate> goLives = LandingFiles.goLives(landing);
        List<String> lines = Files.readAllLines(landing.resolve("reference/site_connectivity.csv"));
        Assertions.assertEquals(List.of(ReferenceData.SITE_CONNECTIVITY.fieldNames()), LandingFiles.csv(lines.get(0)));
        Map<String, TreeMap<LocalDate, List<String>>> bySite = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> c = LandingFiles.csv(line);
            Assertions.assertTrue(goLives.containsKey(c.get(0)), "in the site register: " + line);
            Assertions.assertTrue(ReferenceData.CONNECTIVITY.contains(c.get(2)), line);
            Assertions.assertTrue(ReferenceData.DEVICES.contains(c.get(3)), line);
            Assertions.assertNull(bySite.computeIfAbsent(c.get(0), k -> new TreeMap<>())
                    .put(LocalDate.parse(c.get(1)), c.subList(2, 4)), "valid_from unique per site: " + line);
        }
        Assertions.assertEquals(goLives.keySet(), bySite.keySet(), "every site has a history");
        LocalDate start = g.firstLoadDate().minusDays(1);
        int poorStart = 0;
        int poorAtGoLive = 0;
        for (var e : bySite.entrySet()) {
            TreeMap<LocalDate, List<String>> h = e.getValue();
            Assertions.assertFalse(h.firstKey().isAfter(start), "a row from the history start: " + e.getKey());
            if (!h.firstEntry().getValue().get(0).equals("adequate")) {
                poorStart++;
                Assertions.assertNotEquals("tablets_4g", h.firstEntry().getValue().get(1));
            }
            LocalDate goLive = goLives.get(e.getKey());
            if (goLive != null) {
                Assertions.assertEquals("tablets_4g", h.floorEntry(goLive).getValue().get(1), "tablets at go-live");
                if (!h.floorEntry(goLive).getValue().get(0).equals("adequate")) {
                    poorAtGoLive++;
                }
            }
        }
        Assertions.assertEquals(8, poorStart, "two sites in five start poor or none");
        Assertions.assertTrue(poorAtGoLive >= 2, "both connectivity subgroups at go-live: " + poorAtGoLive);
        JsonNode plant = manifest(landing).path("planted_effects").path("wait_effect_by_connectivity_at_go_live");
        Assertions.assertEquals(poorAtGoLive, plant.path("sites_poor_at_go_live").size());
    }

    @Test
    void plantedConnectivityAndAgeEffectsAreInTheDataAndTheManifest() throws IOException {
        JsonNode plant = manifest(landing).path("planted_effects").path("wait_effect_by_connectivity_at_go_live");
        Set<String> poorSites = new HashSet<>();
        plant.path("sites_poor_at_go_live").forEach(n -> poorSites.add(n.asText()));
        double adequate = plant.path("expected_effect_connectivity_adequate_days").asDouble();
        double poor = plant.path("expected_effect_connectivity_poor_days").asDouble();
        double all = plant.path("expected_effect_all_days").asDouble();
        // about -0.6 x 21 (a little less: 70+ patients are seen remotely half as often) and half of it where poor
        Assertions.assertEquals(-12.6, adequate, 0.3);
        Assertions.assertEquals(adequate / 2, poor, 0.3);
        Assertions.assertTrue(adequate < all && all < poor, "ALL between the subgroups: " + all);

        // in the data: a remote pathway's wait is shorter than an in-person one's by the site's reduction
        Map<String, LocalDate> referred = new HashMap<>();
        Map<String, String> site = new HashMap<>();
        for (Map<String, String> r : LandingFiles.rows(landing, "referrals")) {
            LocalDate date = date(r.get("referral_date")); // null on a planted bad row (an impossible date)
            if (r.get("referral_id") != null && date != null) {
                referred.putIfAbsent(r.get("referral_id"), date);
                site.putIfAbsent(r.get("referral_id"), r.get("site_id"));
            }
        }
        Map<String, LocalDate> goLives = LandingFiles.goLives(landing);
        // [poor][remote] -> sum of waits, count
        double[][] sum = new double[2][2];
        long[][] n = new long[2][2];
        Set<String> counted = new HashSet<>();
        long[] oldest = new long[2]; // attended consults of 70+ at live sites: all, remote
        long[] others = new long[2];
        Map<String, Map<String, String>> patients = latestPatients(landing);
        for (Map<String, String> c : LandingFiles.rows(landing, "consults")) {
            if (c.containsKey(LandingFiles.MALFORMED) || !"attended".equals(c.get("outcome"))
                    || c.get("scheduled_start") == null || c.get("modality") == null) {
                continue;
            }
            boolean remote = c.get("modality").equals("video") || c.get("modality").equals("telephone");
            LocalDate day = java.time.OffsetDateTime.parse(c.get("scheduled_start"))
                    .atZoneSameInstant(LandingGenerator.LONDON).toLocalDate();
            LocalDate goLive = goLives.get(c.get("site_id"));
            boolean live = goLive != null && !day.isBefore(goLive);
            Map<String, String> p = patients.get(nhs(c.get("patient_id")));
            if (live && p != null && p.get("age_band") != null && counted.add("c" + c.get("consult_id"))) {
                long[] group = p.get("age_band").equals("70+") ? oldest : others;
                group[0]++;
                group[1] += remote ? 1 : 0;
            }
            String ref = c.get("referral_id");
            if (ref == null || !referred.containsKey(ref) || !"true".equals(c.get("first_attendance"))
                    || !counted.add("r" + ref)) {
                continue;
            }
            LocalDate r = referred.get(ref);
            if (goLive == null || r.isBefore(goLive) || !c.get("site_id").equals(site.get(ref))) {
                continue;
            }
            int g = poorSites.contains(site.get(ref)) ? 1 : 0;
            sum[g][remote ? 1 : 0] += java.time.temporal.ChronoUnit.DAYS.between(r, day);
            n[g][remote ? 1 : 0]++;
        }
        double adequateGap = sum[0][0] / n[0][0] - sum[0][1] / n[0][1];
        double poorGap = sum[1][0] / n[1][0] - sum[1][1] / n[1][1];
        System.out.printf("expected adequate %.4f poor %.4f ALL %.4f; gaps adequate %.2f poor %.2f%n", adequate, poor,
                all, adequateGap, poorGap);
        Assertions.assertEquals(21, adequateGap, 4, "adequate sites: in-person minus remote wait " + adequateGap);
        Assertions.assertEquals(10.5, poorGap, 5, "poor sites: in-person minus remote wait " + poorGap);
        double ratio = ((double) oldest[1] / oldest[0]) / ((double) others[1] / others[0]);
        Assertions.assertEquals(0.5, ratio, 0.15, "telemedicine share 70+ over others " + ratio + " (" + oldest[0] + ")");
    }

    @Test
    void leaveOutOptionsWriteNothingAndChangeNothingElse() throws IOException {
        GeneratorOptions o = GeneratorOptions.defaults(Scale.SMALL).withYears(0.2).withSiteConnectivity(true);
        Assertions.assertTrue(GeneratorOptions.defaults(Scale.SMALL).writePatients(), "patients by default");
        Assertions.assertFalse(GeneratorOptions.defaults(Scale.SMALL).writeSiteConnectivity(), "no connectivity file by default");
        Path with = tmp.resolve("with");
        Path without = tmp.resolve("without");
        Path again = tmp.resolve("again");
        GenerationSummary a = new LandingGenerator().generate(with, o);
        GenerationSummary b = new LandingGenerator().generate(without, o.withPatients(false).withSiteConnectivity(false));
        new LandingGenerator().generate(again, o);
        Assertions.assertTrue(a.patientRows() > 0);
        Assertions.assertTrue(Files.exists(with.resolve("reference/site_connectivity.csv")));
        Assertions.assertFalse(Files.exists(without.resolve("patients")));
        Assertions.assertFalse(Files.exists(without.resolve("reference/site_connectivity.csv")));
        Assertions.assertEquals(0, b.patientRows());
        Assertions.assertEquals(0, b.patientBadRowsPlanted());
        Assertions.assertFalse(manifest(without).path("planted_effects").has("patients_demographics"));
        for (String log : List.of("referrals", "consults", "mha_assessments", "prescriptions", "medication_incidents",
                "security_events", "reference")) {
            Assertions.assertEquals(log.equals("reference") ? digestWithout(with.resolve(log)) : LandingFiles.digest(with.resolve(log)),
                    LandingFiles.digest(without.resolve(log)), log);
        }
        Path onlyPatients = tmp.resolve("onlyPatients");
        new LandingGenerator().generate(onlyPatients, o.withSiteConnectivity(false));
        Assertions.assertEquals(LandingFiles.digest(with.resolve("patients")), LandingFiles.digest(onlyPatients.resolve("patients")));
        Assertions.assertEquals(LandingFiles.digest(with), LandingFiles.digest(again), "same seed, same bytes");
    }

    /** The digest of the reference folder without site_connectivity.csv. */
    private Path digestWithoutCopy;

    private String digestWithout(Path reference) throws IOException {
        digestWithoutCopy = tmp.resolve("refcopy-" + System.nanoTime());
        Files.createDirectories(digestWithoutCopy);
        try (var s = Files.list(reference)) {
            for (Path f : s.toList()) {
                if (!f.getFileName().toString().equals(SiteConnectivity.FILE)) {
                    Files.copy(f, digestWithoutCopy.resolve(f.getFileName()));
                }
            }
        }
        return LandingFiles.digest(digestWithoutCopy);
    }

    static LocalDate date(String s) {
        try {
            return s == null ? null : LocalDate.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    static JsonNode manifest(Path landing) throws IOException {
        return new ObjectMapper().readTree(landing.resolve("generator_manifest.json").toFile());
    }
}
