package uk.nhs.healthjustice.telemed.jobs.generate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.schemas.Contracts;
import uk.nhs.healthjustice.telemed.schemas.LogContract;

/**
 * The optional logs of contract version 2 (prescriptions, medication_incidents, security_events): written like
 * the other logs, valid but for the planted bad rows, with the planted monitoring_missed ratio and the security
 * event rates visible in the raw counts; absent when asked, without changing the other logs.
 */
class SafetyLogsTest {

    @TempDir
    Path tmp;

    private static final Map<String, LogContract> CONTRACTS = Map.of(
            "prescriptions", Contracts.PRESCRIPTIONS,
            "medication_incidents", Contracts.MEDICATION_INCIDENTS,
            "security_events", Contracts.SECURITY_EVENTS);

    @Test
    void theThreeLogsAreValidButForThePlantedBadRows() throws IOException {
        Path landing = tmp.resolve("landing");
        GenerationSummary g = new LandingGenerator().generate(landing, GeneratorOptions.defaults(Scale.SMALL)
                .withYears(0.3).withBadRowRate(0.15).withCorrectionRate(0.1)
                .withSecurityEventsPer1000(150, 100)); // enough security events for every kind of bad row
        Set<String> sites = LandingFiles.goLives(landing).keySet();
        Set<LocalDate> loadDates = new TreeSet<>(g.loadDates());
        long invalid = 0;
        Map<String, Integer> rulesSeen = new TreeMap<>();
        for (var e : CONTRACTS.entrySet()) {
            String log = e.getKey();
            List<Path> files = LandingFiles.files(landing, log);
            Assertions.assertFalse(files.isEmpty(), log);
            Set<String> formats = new TreeSet<>();
            for (Path f : files) {
                String folder = f.getParent().getFileName().toString();
                Assertions.assertTrue(folder.startsWith("load_date="), f.toString());
                LocalDate night = LocalDate.parse(folder.substring("load_date=".length()));
                Assertions.assertTrue(loadDates.contains(night), "a load date of the run: " + f);
                String name = f.getFileName().toString();
                Assertions.assertTrue(name.startsWith(log + "-" + night + "."), name);
                formats.add(name.substring((log + "-" + night).length()));
            }
            Assertions.assertEquals(Set.of(".csv", ".jsonl", ".csv.gz", ".jsonl.gz"), formats, log);
            for (Map<String, String> r : LandingFiles.rows(landing, log)) {
                List<String> broken = LandingFiles.broken(e.getValue(), r, sites);
                if (!broken.isEmpty()) {
                    invalid++;
                    broken.forEach(b -> rulesSeen.merge(log + ":" + b, 1, Integer::sum));
                }
            }
        }
        Assertions.assertTrue(g.safetyBadRowsPlanted() > 30, "bad rows " + g.safetyBadRowsPlanted());
        Assertions.assertEquals(g.safetyBadRowsPlanted(), invalid, "every invalid row is a planted one: " + rulesSeen);
        for (String rule : List.of("prescriptions:bnf_chapter_invalid", "prescriptions:bnf_chapter_missing",
                "prescriptions:patient_id_invalid", "prescriptions:patient_id_missing", "prescriptions:supply_invalid",
                "prescriptions:controlled_drug_invalid", "prescriptions:high_risk_missing",
                "prescriptions:issued_at_invalid", "prescriptions:record_updated_at_invalid",
                "prescriptions:site_id_unknown", "prescriptions:prescription_id_missing", "prescriptions:malformed_record",
                "medication_incidents:category_invalid", "medication_incidents:harm_invalid",
                "medication_incidents:harm_missing", "medication_incidents:patient_id_invalid",
                "medication_incidents:occurred_at_invalid", "medication_incidents:malformed_record",
                "security_events:kind_invalid", "security_events:severity_invalid", "security_events:severity_missing",
                "security_events:site_id_invalid", "security_events:site_id_unknown",
                "security_events:occurred_at_invalid", "security_events:malformed_record")) {
            Assertions.assertTrue(rulesSeen.containsKey(rule), rule + " not planted: " + rulesSeen);
        }

        // the BNF chapter's usual mistakes are all there
        Set<String> badChapters = LandingFiles.rows(landing, "prescriptions").stream()
                .map(r -> r.get("bnf_chapter")).filter(c -> c != null && !List.of(Contracts.BNF_CHAPTERS).contains(c))
                .collect(Collectors.toSet());
        Assertions.assertTrue(badChapters.containsAll(Set.of("1", "16", "4.1")), badChapters.toString());

        // re-deliveries and corrections: some ids arrive more than once
        Assertions.assertTrue(g.safetyCorrectedOrRedeliveredRows() > 0);
        Map<String, Integer> versions = new HashMap<>();
        LandingFiles.rows(landing, "prescriptions").forEach(r -> versions.merge(String.valueOf(r.get("prescription_id")), 1, Integer::sum));
        Assertions.assertTrue(versions.values().stream().anyMatch(n -> n > 1));
        // a stale copy: an older version delivered on a later night than a newer one of the same record
        Map<String, List<Map<String, String>>> byId = LandingFiles.rows(landing, "medication_incidents").stream()
                .filter(r -> LandingFiles.broken(Contracts.MEDICATION_INCIDENTS, r, sites).isEmpty())
                .collect(Collectors.groupingBy(r -> r.get("incident_id")));
        Assertions.assertTrue(byId.values().stream().anyMatch(vs -> vs.stream().anyMatch(a -> vs.stream().anyMatch(b ->
                LandingFiles.instant(a).isBefore(LandingFiles.instant(b))
                        && a.get("_load_date").compareTo(b.get("_load_date")) > 0))), "a stale copy of an incident");

        // prescriptions: mostly in attended consults that say prescription_issued, some repeats, few mismatches
        Map<String, Map<String, String>> consults = LandingFiles.latestValid(Contracts.CONSULTS,
                LandingFiles.rows(landing, "consults"), sites);
        Map<String, Map<String, String>> rx = LandingFiles.latestValid(Contracts.PRESCRIPTIONS,
                LandingFiles.rows(landing, "prescriptions"), sites);
        long noConsult = rx.values().stream().filter(r -> r.get("consult_id") == null).count();
        long mismatched = rx.values().stream().filter(r -> r.get("consult_id") != null)
                .filter(r -> !consults.containsKey(r.get("consult_id"))
                        || !consults.get(r.get("consult_id")).get("prescription_issued").equals("true")).count();
        long chapter04 = rx.values().stream().filter(r -> r.get("bnf_chapter").equals("04")).count();
        System.out.printf("prescriptions %d: no_consult %d, flag mismatches %d, chapter 04 %d%n", rx.size(), noConsult,
                mismatched, chapter04);
        Assertions.assertTrue(noConsult > 0.2 * rx.size() && noConsult < 0.6 * rx.size(), "repeats " + noConsult);
        Assertions.assertTrue(mismatched > 0 && mismatched < 0.05 * rx.size(), "mismatches " + mismatched);
        Assertions.assertTrue(chapter04 > 0.25 * rx.size(), "CNS heavy: " + chapter04);
        Assertions.assertTrue(rx.values().stream().anyMatch(r -> r.get("controlled_drug").equals("true")));

        // incidents: most name a prescription, some do not
        Map<String, Map<String, String>> incidents = LandingFiles.latestValid(Contracts.MEDICATION_INCIDENTS,
                LandingFiles.rows(landing, "medication_incidents"), sites);
        long unlinked = incidents.values().stream().filter(r -> r.get("prescription_id") == null).count();
        Assertions.assertTrue(unlinked > 0 && unlinked < incidents.size(), unlinked + " of " + incidents.size());

        // security events carry no patient identifier
        Assertions.assertFalse(Contracts.SECURITY_EVENTS.fieldNames().contains("patient_id"));
    }

    /** High-risk prescriptions and their monitoring_missed incidents by modality group, from the raw files. */
    @Test
    void monitoringMissedOnTelemedicineIsThePlantedMultipleOfInPerson() throws IOException {
        Path landing = tmp.resolve("landing");
        GeneratorOptions o = GeneratorOptions.defaults(Scale.SMALL).withSites(10).withYears(1.0).withBadRowRate(0.01)
                .withCorrectionRate(0.05);
        new LandingGenerator().generate(landing, o);
        Set<String> sites = LandingFiles.goLives(landing).keySet();
        Map<String, Map<String, String>> consults = LandingFiles.latestValid(Contracts.CONSULTS,
                LandingFiles.rows(landing, "consults"), sites);
        Map<String, Map<String, String>> rx = LandingFiles.latestValid(Contracts.PRESCRIPTIONS,
                LandingFiles.rows(landing, "prescriptions"), sites);
        Map<String, Map<String, String>> incidents = LandingFiles.latestValid(Contracts.MEDICATION_INCIDENTS,
                LandingFiles.rows(landing, "medication_incidents"), sites);
        Map<String, long[]> byGroup = new TreeMap<>(); // group -> {high-risk prescriptions, monitoring_missed}
        Map<String, String> groupOf = new HashMap<>();
        // incidents follow a prescription by 7-42 days: those of the last weeks fall beyond the history, and more of
        // them are telemedicine (sites go live through the history), so compare prescriptions issued before that
        LocalDate lastIssued = o.endDate().minusDays(45);
        for (Map<String, String> r : rx.values()) {
            if (OffsetDateTime.parse(r.get("issued_at")).toLocalDate().isAfter(lastIssued)) {
                continue;
            }
            Map<String, String> c = r.get("consult_id") == null ? null : consults.get(r.get("consult_id"));
            String group = c == null ? "no_consult"
                    : c.get("modality").equals("video") || c.get("modality").equals("telephone") ? "telemedicine" : "in_person";
            groupOf.put(r.get("prescription_id"), group);
            if (r.get("high_risk").equals("true")) {
                byGroup.computeIfAbsent(group, k -> new long[2])[0]++;
            }
        }
        for (Map<String, String> i : incidents.values()) {
            String p = i.get("prescription_id");
            if (p != null && i.get("category").equals("monitoring_missed") && groupOf.containsKey(p)
                    && rx.get(p).get("high_risk").equals("true")) {
                byGroup.get(groupOf.get(p))[1]++;
            }
        }
        long[] tele = byGroup.get("telemedicine");
        long[] inPerson = byGroup.get("in_person");
        double ratio = (tele[1] / (double) tele[0]) / (inPerson[1] / (double) inPerson[0]);
        System.out.printf("monitoring_missed: telemedicine %d / %d, in person %d / %d, ratio %.3f (planted %.1f)%n",
                tele[1], tele[0], inPerson[1], inPerson[0], ratio, o.monitoringMissedRatio());
        Assertions.assertTrue(tele[0] > 300 && inPerson[0] > 300, "enough high-risk prescriptions");
        Assertions.assertEquals(o.monitoringMissedRatio(), ratio, 0.15, "planted ratio in the raw counts");
        Assertions.assertEquals(SafetyLogs.MONITORING_MISSED_BASE_RATE, inPerson[1] / (double) inPerson[0], 0.01);
    }

    /** Security events per 1,000 telemedicine sessions fall once a site's tablets arrive (its go-live). */
    @Test
    void securityEventRateFallsAfterGoLive() throws IOException {
        Path landing = tmp.resolve("landing");
        GeneratorOptions o = GeneratorOptions.defaults(Scale.SMALL).withSites(10).withYears(1.0).withBadRowRate(0.01)
                .withCorrectionRate(0.05);
        new LandingGenerator().generate(landing, o);
        Map<String, LocalDate> goLive = LandingFiles.goLives(landing);
        Map<String, Map<String, String>> consults = LandingFiles.latestValid(Contracts.CONSULTS,
                LandingFiles.rows(landing, "consults"), goLive.keySet());
        Map<String, Map<String, String>> events = LandingFiles.latestValid(Contracts.SECURITY_EVENTS,
                LandingFiles.rows(landing, "security_events"), goLive.keySet());
        long[] before = new long[2];
        long[] after = new long[2];
        for (Map<String, String> c : consults.values()) {
            boolean remote = c.get("modality").equals("video") || c.get("modality").equals("telephone");
            if (remote && (c.get("outcome").equals("attended") || c.get("technical_failure").equals("true"))) {
                (live(goLive, c.get("site_id"), c.get("scheduled_start")) ? after : before)[0]++;
            }
        }
        for (Map<String, String> e : events.values()) {
            (live(goLive, e.get("site_id"), e.get("occurred_at")) ? after : before)[1]++;
        }
        double rateBefore = 1000.0 * before[1] / before[0];
        double rateAfter = 1000.0 * after[1] / after[0];
        System.out.printf("security events per 1,000 sessions: before tablets %.2f (%d / %d), after %.2f (%d / %d)%n",
                rateBefore, before[1], before[0], rateAfter, after[1], after[0]);
        Assertions.assertTrue(before[0] > 2000 && after[0] > 2000, "enough sessions either side");
        Assertions.assertEquals(o.securityEventsPer1000BeforeTablets(), rateBefore, 2.0);
        Assertions.assertEquals(o.securityEventsPer1000AfterTablets(), rateAfter, 1.0);
        Assertions.assertTrue(rateAfter < rateBefore);
    }

    private static boolean live(Map<String, LocalDate> goLive, String site, String at) {
        LocalDate g = goLive.get(site);
        LocalDate day = OffsetDateTime.parse(at).atZoneSameInstant(LandingGenerator.LONDON).toLocalDate();
        return g != null && !day.isBefore(g);
    }

    @Test
    void withoutSafetyLogsNoneIsWrittenAndTheOtherLogsAreUnchanged() throws IOException {
        GeneratorOptions o = GeneratorOptions.defaults(Scale.SMALL).withYears(0.2);
        GenerationSummary without = new LandingGenerator().generate(tmp.resolve("without"), o.withSafetyLogs(false));
        GenerationSummary with = new LandingGenerator().generate(tmp.resolve("with"), o);
        for (String log : CONTRACTS.keySet()) {
            Assertions.assertFalse(Files.exists(tmp.resolve("without").resolve(log)), log);
            Assertions.assertTrue(Files.exists(tmp.resolve("with").resolve(log)), log);
        }
        Assertions.assertEquals(0, without.prescriptionRows() + without.medicationIncidentRows()
                + without.securityEventRows() + without.safetyBadRowsPlanted());
        Assertions.assertEquals(with.badRowsPlanted(), without.badRowsPlanted());
        Assertions.assertEquals(with.loadDates(), without.loadDates());
        for (String dir : List.of("referrals", "consults", "mha_assessments", "reference")) {
            Assertions.assertEquals(LandingFiles.digest(tmp.resolve("with").resolve(dir)),
                    LandingFiles.digest(tmp.resolve("without").resolve(dir)), dir + " unchanged by the safety logs");
        }
    }

    @Test
    void theSameSeedGivesTheSameBytes() throws IOException {
        GeneratorOptions o = GeneratorOptions.defaults(Scale.SMALL).withYears(0.15).withBadRowRate(0.02)
                .withCorrectionRate(0.1);
        new LandingGenerator().generate(tmp.resolve("a"), o);
        new LandingGenerator().generate(tmp.resolve("b"), o);
        Assertions.assertEquals(LandingFiles.digest(tmp.resolve("a")), LandingFiles.digest(tmp.resolve("b")));
        try (Stream<Path> s = Files.list(tmp.resolve("a"))) {
            Assertions.assertTrue(s.map(p -> p.getFileName().toString()).collect(Collectors.toSet())
                    .containsAll(Set.of("prescriptions", "medication_incidents", "security_events", "generator_manifest.json")));
        }
    }
}
