package uk.nhs.healthjustice.telemed.jobs.generate;

import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import uk.nhs.healthjustice.telemed.schemas.Contracts;

/**
 * The optional logs of contract version 2: {@code prescriptions}, {@code medication_incidents} and
 * {@code security_events}, generated beside the consults of {@link LandingGenerator}.
 *
 * <p>They draw from their own random stream (seeded from the run's seed), so writing them or not leaves every
 * byte of the version 1 logs unchanged; the same seed still gives the same bytes.
 *
 * <h2>Planted effects (in {@code generator_manifest.json}, {@code planted_effects})</h2>
 * <ul>
 *   <li><b>monitoring_missed.</b> Each high-risk prescription issued in an in-person consult (or as a repeat
 *   outside any consult) is followed by a {@code monitoring_missed} incident at {@link #MONITORING_MISSED_BASE_RATE};
 *   one issued in a video or telephone consult at {@code monitoringMissedRatio} times that rate. Incidents are
 *   placed by systematic sampling (a running sum per modality group that emits an incident each time it passes a
 *   whole number) so the raw counts match the rates within one incident.</li>
 *   <li><b>Security events.</b> A telemedicine session (a video or telephone consult that was attended or had a
 *   technical failure) raises a security event at {@code securityEventsPer1000BeforeTablets} per 1,000 sessions
 *   before the site's 4G tablets arrive and {@code securityEventsPer1000AfterTablets} after. The tablets arrive
 *   with the site's telemedicine go-live (the site register's {@code telemedicine_go_live}: the 2020 roll-out
 *   brought tablets and telemedicine together); before it a site's sessions are telephone calls from a fixed
 *   room. Systematic sampling per site and period again.</li>
 * </ul>
 */
final class SafetyLogs {

    static final String PRESCRIPTIONS = Contracts.PRESCRIPTIONS.log();
    static final String INCIDENTS = Contracts.MEDICATION_INCIDENTS.log();
    static final String SECURITY = Contracts.SECURITY_EVENTS.log();
    static final List<String> LOGS = List.of(PRESCRIPTIONS, INCIDENTS, SECURITY);
    static final Map<String, List<String>> COLUMNS = Map.of(
            PRESCRIPTIONS, Contracts.PRESCRIPTIONS.requiredColumnNames(),
            INCIDENTS, Contracts.MEDICATION_INCIDENTS.requiredColumnNames(),
            SECURITY, Contracts.SECURITY_EVENTS.requiredColumnNames());

    /** Modality groups of a prescription, as the prescribing-safety mart names them. */
    static final String TELEMEDICINE = "telemedicine";
    static final String IN_PERSON = "in_person";
    static final String NO_CONSULT = "no_consult";

    /** Assumption: monitoring missed on 5% of high-risk prescriptions issued in person. */
    static final double MONITORING_MISSED_BASE_RATE = 0.05;
    /** Assumption: other linked incidents on 1.5% of prescriptions, whatever the modality. */
    static final double OTHER_INCIDENT_RATE = 0.015;
    /** Assumption: incidents naming no prescription, per prisoner-day x 1/365 (about 0.1 a day at 365 people). */
    static final double UNLINKED_INCIDENTS_PER_PERSON_YEAR = 0.1;
    /** Assumption: repeat prescriptions issued outside any consult, per prisoner-year. */
    static final double REPEATS_PER_PERSON_YEAR = 2.0;

    /**
     * Share of prescriptions by BNF chapter (in the order of {@link Contracts#BNF_CHAPTERS}), an assumption: the
     * central nervous system (04: analgesics, antidepressants, antipsychotics, opioid substitution) dominates
     * prison prescribing, then cardiovascular (02), gastro-intestinal (01), respiratory (03).
     */
    static final double[] BNF_WEIGHTS = {8, 12, 8, 35, 7, 7, 2, 1, 4, 6, 1, 1, 6, 0.5, 1.5};
    /** Incident categories other than monitoring_missed, in the order of {@link Contracts#INCIDENT_CATEGORIES}. */
    static final double[] OTHER_CATEGORY_WEIGHTS = {25, 10, 5, 35, 8, 0, 12, 5};
    /** Unlinked incidents: a few are monitoring_missed too (nothing to link them to). */
    static final double[] UNLINKED_CATEGORY_WEIGHTS = {20, 8, 5, 35, 5, 5, 15, 7};
    /** Harm, in the order of {@link Contracts#INCIDENT_HARMS}; most incidents do no harm. */
    static final double[] HARM_WEIGHTS = {70, 20, 8, 1.8, 0.2};
    /** Kinds of security event, in the order of {@link Contracts#SECURITY_EVENT_KINDS}, before and after tablets. */
    static final double[] KIND_WEIGHTS_BEFORE_TABLETS = {10, 15, 5, 40, 15, 15};
    static final double[] KIND_WEIGHTS_AFTER_TABLETS = {15, 10, 25, 30, 10, 10};
    /** Severity, in the order of {@link Contracts#SECURITY_SEVERITIES}. */
    static final double[] SEVERITY_WEIGHTS = {65, 28, 7};

    /** Where rows go: the run's queue of nights (false when the night is beyond the history). */
    interface Queue {
        boolean emit(String log, LocalDate night, Map<String, Object> row);
    }

    private final GeneratorOptions o;
    private final Random random;
    private final Queue queue;
    private long seq;
    /** Per log, the next kind of bad row: each log cycles through all of its kinds. */
    private final Map<String, Integer> badKinds = new TreeMap<>();

    final Map<String, Long> rows = new TreeMap<>();
    long badRows;
    long corrections;
    long redeliveries;

    /** Systematic sampling: running sums of rates; an event each time one passes a whole number. */
    private final Map<String, Double> monitoringSums = new TreeMap<>();
    private final Map<String, Double> securitySums = new TreeMap<>();

    /** Planted counts as generated (good rows delivered within the history), for the manifest. */
    final Map<String, long[]> highRiskAndMonitoringMissed = new TreeMap<>();
    /** site -> {sessions before tablets, events before, sessions after, events after}. */
    final Map<String, long[]> sessionsAndEvents = new TreeMap<>();

    SafetyLogs(GeneratorOptions o, Queue queue) {
        this.o = o;
        this.queue = queue;
        this.random = new Random(o.seed() * 1_000_003L + 0x5AFE_10C5L);
        for (String g : List.of(TELEMEDICINE, IN_PERSON, NO_CONSULT)) {
            monitoringSums.put(g, random.nextDouble()); // a random phase per group
            highRiskAndMonitoringMissed.put(g, new long[2]);
        }
    }

    // ---------------------------------------------------------------- what happens at a consult

    /** The prescriptions and security event of a consult's final version ({@code outcome} known). */
    void afterConsult(LandingGenerator.Site s, Map<String, Object> consult, LocalDate day) {
        String modality = (String) consult.get("modality");
        boolean remote = modality.equals("video") || modality.equals("telephone");
        boolean attended = "attended".equals(consult.get("outcome"));
        boolean technicalFailure = Boolean.TRUE.equals(consult.get("technical_failure"));
        if (remote && (attended || technicalFailure)) {
            securitySession(s, consult, day);
        }
        if (!attended) {
            return;
        }
        // the flag and the log mostly agree: 1% of flagged consults have no prescription in the log and 0.5% of
        // unflagged ones have one (prescription_issued mismatches, rare but present)
        boolean flagged = Boolean.TRUE.equals(consult.get("prescription_issued"));
        int n = flagged ? (random.nextDouble() < 0.01 ? 0 : random.nextDouble() < 0.75 ? 1 : random.nextDouble() < 0.8 ? 2 : 3)
                : random.nextDouble() < 0.005 ? 1 : 0;
        ZonedDateTime start = ZonedDateTime.parse((String) consult.get("scheduled_start"));
        Object minutes = consult.get("duration_minutes");
        ZonedDateTime issued = start.plusMinutes(minutes instanceof Integer m ? m : 20);
        for (int i = 0; i < n; i++) {
            prescription(s, (String) consult.get("consult_id"), (String) consult.get("patient_id"), issued.plusMinutes(i),
                    remote ? TELEMEDICINE : IN_PERSON);
        }
    }

    /** What happens at a site each day outside consults: repeat prescriptions and unlinked incidents. */
    void daily(LandingGenerator.Site s, LocalDate day) {
        double perDay = s.population() / 365.0;
        int repeats = poisson(perDay * REPEATS_PER_PERSON_YEAR);
        for (int i = 0; i < repeats; i++) {
            ZonedDateTime issued = day.atTime(10 + random.nextInt(6), 5 * random.nextInt(12)).atZone(LandingGenerator.LONDON);
            prescription(s, null, s.patients().get(random.nextInt(s.patients().size())), issued, NO_CONSULT);
        }
        int unlinked = poisson(perDay * UNLINKED_INCIDENTS_PER_PERSON_YEAR);
        for (int i = 0; i < unlinked; i++) {
            String patient = s.patients().get(random.nextInt(s.patients().size()));
            incident(s, null, patient, day.atTime(8 + random.nextInt(12), 0).atZone(LandingGenerator.LONDON),
                    Contracts.INCIDENT_CATEGORIES[weighted(UNLINKED_CATEGORY_WEIGHTS)]);
        }
    }

    // ---------------------------------------------------------------- prescriptions and their incidents

    void prescription(LandingGenerator.Site s, String consultId, String patient, ZonedDateTime issued, String group) {
        int chapterIndex = weighted(BNF_WEIGHTS);
        String chapter = Contracts.BNF_CHAPTERS[chapterIndex];
        boolean controlled = random.nextDouble() < switch (chapter) {
            case "04" -> 0.18; // opioids, benzodiazepines, gabapentinoids (Schedule 2-3)
            case "15" -> 0.10;
            case "10" -> 0.02;
            default -> 0.005;
        };
        boolean highRisk = random.nextDouble() < switch (chapter) {
            case "04" -> controlled ? 0.7 : 0.2; // opioid substitution, lithium, clozapine
            case "02" -> 0.25;                   // anticoagulants
            case "06" -> 0.30;                   // insulin
            case "08" -> 0.50;                   // methotrexate and other cytotoxics
            case "10" -> 0.08;
            default -> 0.02;
        };
        double u = random.nextDouble();
        String supply = controlled ? (u < 0.9 ? "supervised" : u < 0.97 ? "in_possession" : "not_supplied")
                : highRisk ? (u < 0.5 ? "supervised" : u < 0.97 ? "in_possession" : "not_supplied")
                : (u < 0.72 ? "in_possession" : u < 0.95 ? "supervised" : "not_supplied");
        String id = "P" + s.id() + (++seq);
        LocalDate day = issued.withZoneSameInstant(LandingGenerator.LONDON).toLocalDate();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("prescription_id", id);
        p.put("consult_id", consultId);
        p.put("patient_id", patient);
        p.put("site_id", s.id());
        p.put("issued_at", issued.format(LandingGenerator.OFFSET));
        p.put("bnf_chapter", chapter);
        p.put("controlled_drug", controlled);
        p.put("high_risk", highRisk);
        p.put("supply", supply);
        p.put("record_updated_at", at(day, 19, 0));
        if (!emitGood(PRESCRIPTIONS, day.plusDays(1), p)) {
            return; // beyond the history: nothing follows from it here
        }
        // a correction changes the supply (in possession withdrawn after a risk assessment)
        noise(PRESCRIPTIONS, p, "supply", supply.equals("supervised") ? "in_possession" : "supervised");

        if (highRisk) {
            long[] counts = highRiskAndMonitoringMissed.get(group);
            counts[0]++;
            double rate = MONITORING_MISSED_BASE_RATE * (group.equals(TELEMEDICINE) ? o.monitoringMissedRatio() : 1);
            if (systematic(monitoringSums, group, rate)) {
                ZonedDateTime when = issued.plusDays(7 + random.nextInt(36)).withHour(9 + random.nextInt(9));
                if (incident(s, id, patient, when, "monitoring_missed")) {
                    counts[1]++;
                }
            }
        }
        if (random.nextDouble() < OTHER_INCIDENT_RATE) {
            ZonedDateTime when = issued.plusDays(random.nextInt(28)).withHour(8 + random.nextInt(12));
            incident(s, id, patient, when, Contracts.INCIDENT_CATEGORIES[weighted(OTHER_CATEGORY_WEIGHTS)]);
        }
    }

    /** A reported incident; false when it is reported beyond the history. */
    boolean incident(LandingGenerator.Site s, String prescriptionId, String patient, ZonedDateTime occurred,
                     String category) {
        LocalDate reported = occurred.toLocalDate().plusDays(random.nextInt(4));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("incident_id", "I" + s.id() + (++seq));
        r.put("prescription_id", prescriptionId);
        r.put("patient_id", patient);
        r.put("site_id", s.id());
        r.put("occurred_at", occurred.format(LandingGenerator.OFFSET));
        r.put("category", category);
        String harm = Contracts.INCIDENT_HARMS[weighted(HARM_WEIGHTS)];
        r.put("harm", harm);
        r.put("record_updated_at", at(reported, 17, 45));
        if (!emitGood(INCIDENTS, reported.plusDays(1), r)) {
            return false;
        }
        // a correction re-grades the harm after review (one grade up, death stays)
        int h = List.of(Contracts.INCIDENT_HARMS).indexOf(harm);
        noise(INCIDENTS, r, "harm", Contracts.INCIDENT_HARMS[Math.min(h + 1, Contracts.INCIDENT_HARMS.length - 1)]);
        return true;
    }

    // ---------------------------------------------------------------- security events

    void securitySession(LandingGenerator.Site s, Map<String, Object> consult, LocalDate day) {
        boolean tablets = s.liveOn(day); // the tablets arrive with go-live
        long[] c = sessionsAndEvents.computeIfAbsent(s.id(), k -> new long[4]);
        int at = tablets ? 2 : 0;
        c[at]++;
        double rate = (tablets ? o.securityEventsPer1000AfterTablets() : o.securityEventsPer1000BeforeTablets()) / 1000;
        if (!systematic(securitySums, s.id() + (tablets ? "/after" : "/before"), rate)) {
            return;
        }
        ZonedDateTime occurred = ZonedDateTime.parse((String) consult.get("scheduled_start")).plusMinutes(5 + random.nextInt(36));
        LocalDate reported = day.plusDays(random.nextInt(3));
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event_id", "S" + s.id() + (++seq));
        e.put("site_id", s.id());
        e.put("occurred_at", occurred.format(LandingGenerator.OFFSET));
        // one in five is noticed after the session (a device found damaged): the session is not named
        e.put("consult_id", random.nextDouble() < 0.8 ? consult.get("consult_id") : null);
        e.put("kind", Contracts.SECURITY_EVENT_KINDS[weighted(tablets ? KIND_WEIGHTS_AFTER_TABLETS : KIND_WEIGHTS_BEFORE_TABLETS)]);
        String severity = Contracts.SECURITY_SEVERITIES[weighted(SEVERITY_WEIGHTS)];
        e.put("severity", severity);
        e.put("record_updated_at", at(reported, 20, 0));
        if (emitGood(SECURITY, reported.plusDays(1), e)) {
            c[at + 1]++;
            noise(SECURITY, e, "severity", severity.equals("low") ? "medium" : "low");
        }
    }

    // ---------------------------------------------------------------- delivery, noise and bad rows

    /** Queues a good row and, at {@code badRowRate}, a bad one beside it; false when beyond the history. */
    boolean emitGood(String log, LocalDate night, Map<String, Object> row) {
        if (!emit(log, night, row)) {
            return false;
        }
        if (random.nextDouble() < o.badRowRate()
                && emit(log, night, BadRows.corrupt(log, row, badKinds.merge(log, 1, Integer::sum) - 1, random, night))) {
            badRows++;
        }
        return true;
    }

    private boolean emit(String log, LocalDate night, Map<String, Object> row) {
        if (!queue.emit(log, night, row)) {
            return false;
        }
        rows.merge(log, 1L, Long::sum);
        return true;
    }

    /**
     * At {@code correctionRate}: an exact re-delivery (half) or a correction of one field (half), on a later night;
     * three corrections in ten are followed by a stale copy of the version they correct.
     */
    void noise(String log, Map<String, Object> row, String field, Object correctedValue) {
        if (random.nextDouble() >= o.correctionRate()) {
            return;
        }
        LocalDate night = ZonedDateTime.parse((String) row.get("record_updated_at"))
                .withZoneSameInstant(LandingGenerator.LONDON).toLocalDate().plusDays(1);
        if (random.nextBoolean()) {
            if (emit(log, night.plusDays(1 + random.nextInt(10)), new LinkedHashMap<>(row))) {
                redeliveries++;
            }
        } else {
            Map<String, Object> fixed = new LinkedHashMap<>(row);
            fixed.put(field, correctedValue);
            LocalDate later = night.plusDays(1 + random.nextInt(7));
            fixed.put("record_updated_at", at(later.minusDays(1), 20, 15));
            if (emit(log, later, fixed)) {
                corrections++;
                // now and then the version it corrects arrives again afterwards: a stale copy the newer one beats
                if (random.nextDouble() < 0.3 && emit(log, later.plusDays(1 + random.nextInt(5)), new LinkedHashMap<>(row))) {
                    redeliveries++;
                }
            }
        }
    }

    // ---------------------------------------------------------------- the manifest's record of the plants

    Map<String, Object> plantedEffects() {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> mm = new LinkedHashMap<>();
        mm.put("description", "a high-risk prescription is followed by a monitoring_missed incident at"
                + " base_rate_in_person when issued in person or as a repeat (no_consult), and at ratio x base rate when"
                + " issued in a video or telephone consult; systematic sampling, so counts match within one incident");
        mm.put("base_rate_in_person", MONITORING_MISSED_BASE_RATE);
        mm.put("ratio_telemedicine_to_in_person", o.monitoringMissedRatio());
        mm.put("rate_telemedicine", MONITORING_MISSED_BASE_RATE * o.monitoringMissedRatio());
        Map<String, Object> counts = new LinkedHashMap<>();
        highRiskAndMonitoringMissed.forEach((g, c) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("high_risk_prescriptions", c[0]);
            m.put("monitoring_missed_incidents", c[1]);
            counts.put(g, m);
        });
        mm.put("generated", counts);
        out.put("monitoring_missed_high_risk", mm);

        Map<String, Object> sec = new LinkedHashMap<>();
        sec.put("description", "each telemedicine session (video or telephone consult attended or with a technical"
                + " failure) raises a security event at per_1000_sessions_before_tablets until the site's 4G tablets"
                + " arrive, which is its telemedicine_go_live, and per_1000_sessions_after_tablets from then;"
                + " systematic sampling per site and period");
        sec.put("per_1000_sessions_before_tablets", o.securityEventsPer1000BeforeTablets());
        sec.put("per_1000_sessions_after_tablets", o.securityEventsPer1000AfterTablets());
        sec.put("tablets_arrive", "telemedicine_go_live");
        Map<String, Object> bySite = new LinkedHashMap<>();
        sessionsAndEvents.forEach((site, c) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sessions_before_tablets", c[0]);
            m.put("events_before_tablets", c[1]);
            m.put("sessions_after_tablets", c[2]);
            m.put("events_after_tablets", c[3]);
            bySite.put(site, m);
        });
        sec.put("generated", bySite);
        out.put("security_events_per_1000_sessions", sec);
        return out;
    }

    // ---------------------------------------------------------------- small helpers

    /** Adds {@code rate} to the named running sum; true when the sum passes a whole number. */
    private static boolean systematic(Map<String, Double> sums, String key, double rate) {
        double before = sums.getOrDefault(key, 0.5);
        double after = before + rate;
        sums.put(key, after);
        return Math.floor(after) > Math.floor(before);
    }

    private String at(LocalDate day, int hour, int minute) {
        return LandingGenerator.at(day, hour, minute);
    }

    private int weighted(double[] weights) {
        return Draws.weighted(random, weights);
    }

    private int poisson(double lambda) {
        return Draws.poisson(random, lambda);
    }
}
