package uk.nhs.healthjustice.telemed.pipelines.curation;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.pipelines.privacy.HmacPatientKey;
import uk.nhs.healthjustice.telemed.pipelines.privacy.Pseudonymiser;
import uk.nhs.healthjustice.telemed.pipelines.validation.RecordValidator;
import uk.nhs.healthjustice.telemed.schemas.Contracts;
import uk.nhs.healthjustice.telemed.schemas.LogContract;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * The three logs of issue 18 (contract version 2: {@code prescriptions}, {@code medication_incidents},
 * {@code security_events}) go through the same steps as the other logs: validate with named rules, type,
 * replace the NHS number by its keyed hash, merge versions. One case per rule, each breaking exactly that rule
 * (as in {@code RecordValidatorTest}), a check that every rule of each contract has a case, and a night taken
 * from raw rows to curated and quarantined ones.
 */
class SafetyLogsCurationTest extends SparkTestBase {

    static final LocalDate LOAD = LocalDate.parse("2026-03-29");
    static final String NHS = "943 476 5919";
    static final byte[] KEY = "test-key-0123456789".getBytes(StandardCharsets.UTF_8);

    static Map<String, String> prescription() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("prescription_id", "P1");
        p.put("consult_id", "C1");
        p.put("patient_id", NHS);
        p.put("site_id", "BCI");
        p.put("issued_at", "2026-03-29T09:30:00+01:00");
        p.put("bnf_chapter", "04");
        p.put("controlled_drug", "false");
        p.put("high_risk", "TRUE");
        p.put("supply", "in_possession");
        p.put("record_updated_at", "2026-03-29T10:00:00Z");
        return p;
    }

    static Map<String, String> incident() {
        Map<String, String> i = new LinkedHashMap<>();
        i.put("incident_id", "I1");
        i.put("prescription_id", "P1");
        i.put("patient_id", "9434765919");
        i.put("site_id", "BCI");
        i.put("occurred_at", "2026-03-28T22:15:00+00:00");
        i.put("category", "monitoring_missed");
        i.put("harm", "moderate");
        i.put("record_updated_at", "2026-03-29T10:00:00.5+01:00");
        return i;
    }

    static Map<String, String> securityEvent() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("event_id", "E1");
        e.put("site_id", "BCI");
        e.put("occurred_at", "2026-03-29T09:30:00+01:00");
        e.put("consult_id", "C1");
        e.put("kind", "device_misuse");
        e.put("severity", "high");
        e.put("record_updated_at", "2026-03-29T10:00:00Z");
        return e;
    }

    /** A case: the base row with some fields changed, and the rules it must break. */
    record Case(Map<String, String> changes, boolean malformed, Set<String> expected) {
        static Case of(Set<String> expected, String... kv) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < kv.length; i += 2) {
                m.put(kv[i], kv[i + 1]);
            }
            return new Case(m, false, expected);
        }
    }

    static List<Case> prescriptionCases() {
        return withCommonCases(true, List.of(
                Case.of(Set.of()),
                // a repeat issued outside a consult; the first and last chapters; a supervised controlled drug
                Case.of(Set.of(), "consult_id", null, "bnf_chapter", "01", "controlled_drug", "True",
                        "supply", "supervised"),
                Case.of(Set.of(), "bnf_chapter", "15", "high_risk", "false", "supply", "not_supplied"),
                // a consult the curated consults do not know is not a rule: the mart says no_consult
                Case.of(Set.of(), "consult_id", "C-unknown"),
                Case.of(Set.of("prescription_id_missing"), "prescription_id", " "),
                Case.of(Set.of("issued_at_missing"), "issued_at", null),
                Case.of(Set.of("issued_at_invalid"), "issued_at", "2026-03-29T09:30:00"),
                Case.of(Set.of("issued_at_invalid"), "issued_at", "2026-03-29"),
                Case.of(Set.of("bnf_chapter_missing"), "bnf_chapter", ""),
                Case.of(Set.of("bnf_chapter_invalid"), "bnf_chapter", "4"),
                Case.of(Set.of("bnf_chapter_invalid"), "bnf_chapter", "00"),
                Case.of(Set.of("bnf_chapter_invalid"), "bnf_chapter", "16"),
                Case.of(Set.of("bnf_chapter_invalid"), "bnf_chapter", "04.1"),
                Case.of(Set.of("controlled_drug_missing"), "controlled_drug", null),
                Case.of(Set.of("controlled_drug_invalid"), "controlled_drug", "CD2"),
                Case.of(Set.of("high_risk_missing"), "high_risk", null),
                Case.of(Set.of("high_risk_invalid"), "high_risk", "1"),
                Case.of(Set.of("supply_missing"), "supply", null),
                Case.of(Set.of("supply_invalid"), "supply", "In_Possession"),
                Case.of(Set.of("record_updated_at_invalid"), "record_updated_at", "2026-03-29T10:00:00+0100")));
    }

    static List<Case> incidentCases() {
        return withCommonCases(true, List.of(
                Case.of(Set.of()),
                // the prescription involved is not known: valid, counted as unlinked
                Case.of(Set.of(), "prescription_id", null, "category", "other", "harm", "no_harm"),
                Case.of(Set.of(), "category", "diversion", "harm", "death"),
                Case.of(Set.of("incident_id_missing"), "incident_id", null),
                Case.of(Set.of("occurred_at_missing"), "occurred_at", null),
                Case.of(Set.of("occurred_at_invalid"), "occurred_at", "28/03/2026 22:15"),
                Case.of(Set.of("occurred_at_invalid"), "occurred_at", "2026-03-28T22:15:00"),
                Case.of(Set.of("category_missing"), "category", null),
                Case.of(Set.of("category_invalid"), "category", "wrong dose"),
                Case.of(Set.of("harm_missing"), "harm", " "),
                Case.of(Set.of("harm_invalid"), "harm", "none"),
                Case.of(Set.of("harm_invalid"), "harm", "Severe"),
                Case.of(Set.of("record_updated_at_invalid"), "record_updated_at", "today")));
    }

    static List<Case> securityEventCases() {
        return withCommonCases(false, List.of(
                Case.of(Set.of()),
                Case.of(Set.of(), "consult_id", null, "kind", "session_interrupted_by_regime", "severity", "low"),
                Case.of(Set.of(), "kind", "device_lost_or_damaged", "severity", "medium"),
                Case.of(Set.of("event_id_missing"), "event_id", null),
                Case.of(Set.of("occurred_at_missing"), "occurred_at", ""),
                Case.of(Set.of("occurred_at_invalid"), "occurred_at", "2026-03-29T09:30:00"),
                Case.of(Set.of("kind_missing"), "kind", null),
                Case.of(Set.of("kind_invalid"), "kind", "hacking"),
                Case.of(Set.of("severity_missing"), "severity", null),
                Case.of(Set.of("severity_invalid"), "severity", "critical"),
                Case.of(Set.of("record_updated_at_invalid"), "record_updated_at", "2026-03-29 10:00:00Z")));
    }

    /** Site, record time and a line that is not a record; and for the logs that carry one, the NHS number. */
    static List<Case> withCommonCases(boolean hasPatient, List<Case> own) {
        List<Case> all = new ArrayList<>(own);
        if (hasPatient) {
            all.add(Case.of(Set.of("patient_id_missing"), "patient_id", null));
            all.add(Case.of(Set.of("patient_id_invalid"), "patient_id", "9434765910"));
            all.add(Case.of(Set.of("patient_id_invalid"), "patient_id", "943 476 591X"));
            all.add(Case.of(Set.of("patient_id_invalid"), "patient_id", "7777777777"));
        }
        all.add(Case.of(Set.of("site_id_missing"), "site_id", null));
        all.add(Case.of(Set.of("site_id_invalid"), "site_id", "bci"));
        all.add(Case.of(Set.of("site_id_unknown"), "site_id", "XYZ"));
        all.add(Case.of(Set.of("record_updated_at_missing"), "record_updated_at", null));
        all.add(new Case(Map.of(), true, Set.of(LogContract.MALFORMED_RECORD)));
        return all;
    }

    private Dataset<Row> raw(LogContract contract, Map<String, String> base, List<Case> cases) {
        StructType schema = new StructType();
        for (String f : contract.fieldNames()) {
            schema = schema.add(f, DataTypes.StringType);
        }
        schema = schema.add("source_file", DataTypes.StringType).add("source_row", DataTypes.IntegerType)
                .add("malformed", DataTypes.BooleanType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Map<String, String> r = new LinkedHashMap<>(base);
            r.putAll(cases.get(i).changes());
            List<Object> values = new ArrayList<>();
            contract.fieldNames().forEach(f -> values.add(r.get(f)));
            values.add(contract.log() + ".csv");
            values.add(i);
            values.add(cases.get(i).malformed());
            rows.add(RowFactory.create(values.toArray()));
        }
        return spark().createDataFrame(rows, schema);
    }

    private Dataset<Row> sites() {
        return frame(new StructType().add("site_id", DataTypes.StringType), new Object[] {"BCI"}, new Object[] {"LWI"});
    }

    private void check(LogContract contract, Map<String, String> base, List<Case> cases) {
        Map<Integer, Set<String>> got = new TreeMap<>();
        for (Row r : RecordValidator.validate(raw(contract, base, cases), contract, sites(), LOAD)
                .select(col("source_row"), col(RecordValidator.BROKEN_RULES)).collectAsList()) {
            got.put(r.getInt(0), new HashSet<>(r.getList(1)));
        }
        for (int i = 0; i < cases.size(); i++) {
            assertEquals(cases.get(i).expected(), got.get(i), contract.log() + " case " + i + " "
                    + cases.get(i).changes());
        }
    }

    @Test
    void prescriptionRules() {
        check(Contracts.PRESCRIPTIONS, prescription(), prescriptionCases());
    }

    @Test
    void medicationIncidentRules() {
        check(Contracts.MEDICATION_INCIDENTS, incident(), incidentCases());
    }

    @Test
    void securityEventRules() {
        check(Contracts.SECURITY_EVENTS, securityEvent(), securityEventCases());
    }

    @Test
    void everyRuleOfTheNewLogsHasACase() {
        // guards the cases above against a rule added to the contract without a test
        assertEquals(Set.copyOf(Contracts.PRESCRIPTIONS.ruleNames()), covered(prescriptionCases()));
        assertEquals(Set.copyOf(Contracts.MEDICATION_INCIDENTS.ruleNames()), covered(incidentCases()));
        assertEquals(Set.copyOf(Contracts.SECURITY_EVENTS.ruleNames()), covered(securityEventCases()));
        // the rules the contract names for these logs, beyond the ones every log has
        assertTrue(Contracts.PRESCRIPTIONS.ruleNames().containsAll(List.of("bnf_chapter_invalid", "supply_invalid",
                "issued_at_invalid", "patient_id_invalid")));
        assertTrue(Contracts.MEDICATION_INCIDENTS.ruleNames().containsAll(List.of("category_invalid", "harm_invalid",
                "occurred_at_invalid", "patient_id_invalid")));
        // no patient identifier in the security log: no NHS number rule
        assertFalse(Contracts.SECURITY_EVENTS.ruleNames().contains("patient_id_invalid"));
        // the nightly ingests them, as optional logs
        assertTrue(Contracts.ALL.containsAll(Contracts.SAFETY_LOGS));
        assertTrue(Contracts.OPTIONAL.containsAll(Contracts.SAFETY_LOGS));
    }

    /**
     * A night of prescriptions: P1 as in the base row (a valid version at 10:00Z), P1 again corrected at 11:00Z
     * (chapter 02, spaces gone from the NHS number: the same patient), P1 a third time at 12:00Z with chapter 16
     * (quarantined: the 11:00Z version stays), P2 with a bad check digit (quarantined). Curated: P1 at 11:00Z
     * only, with the keyed hash of 9434765919 in place of the number; the quarantine names each rule and holds
     * no NHS number; nothing curated holds one either.
     */
    @Test
    void aNightOfPrescriptionsIsCuratedAndQuarantined() {
        List<Case> night = List.of(
                Case.of(Set.of()),
                Case.of(Set.of(), "patient_id", "9434765919", "bnf_chapter", "02",
                        "record_updated_at", "2026-03-29T11:00:00Z"),
                Case.of(Set.of("bnf_chapter_invalid"), "bnf_chapter", "16", "record_updated_at", "2026-03-29T12:00:00Z"),
                Case.of(Set.of("patient_id_invalid"), "prescription_id", "P2", "patient_id", "943 476 5910"));
        LogContract p = Contracts.PRESCRIPTIONS;
        Dataset<Row> validated = RecordValidator.validate(raw(p, prescription(), night), p, sites(), LOAD).cache();
        Pseudonymiser pseudonymiser = new Pseudonymiser(KEY);

        Dataset<Row> quarantined = pseudonymiser.pseudonymiseRejected(RecordValidator.rejected(validated));
        List<Row> q = quarantined.select(col("source_row"), col(RecordValidator.BROKEN_RULES)).orderBy("source_row")
                .collectAsList();
        assertEquals(2, q.size());
        assertEquals(List.of("bnf_chapter_invalid"), q.get(0).getList(1));
        assertEquals(List.of("patient_id_invalid"), q.get(1).getList(1));
        assertNoNhsNumber(quarantined);

        Dataset<Row> typed = RecordValidator.typed(RecordValidator.valid(validated), p);
        Dataset<Row> keyed = pseudonymiser.pseudonymise(typed);
        List<String> content = p.fieldNames().stream()
                .map(f -> f.equals(Pseudonymiser.PATIENT_ID) ? Pseudonymiser.PATIENT_KEY : f).toList();
        Dataset<Row> incoming = VersionMerge.withContentHash(keyed, content);
        VersionMerge.Result merged = VersionMerge.merge(spark().createDataFrame(List.of(), incoming.schema()),
                incoming, p);

        List<Row> curated = merged.curated().select(col("prescription_id"), col("patient_key"), col("bnf_chapter"),
                col("high_risk"), col("issued_at"), col("source_row")).collectAsList();
        assertEquals(1, curated.size());
        Row c = curated.get(0);
        assertEquals("P1", c.getString(0));
        assertEquals(new HmacPatientKey(KEY).call("9434765919"), c.getString(1));
        assertEquals("02", c.getString(2));
        assertEquals(true, c.getBoolean(3));
        // 09:30 at +01:00 is 08:30 UTC
        assertEquals(utc("2026-03-29T08:30:00Z"), c.getTimestamp(4));
        assertEquals(1, c.getInt(5));
        assertFalse(List.of(merged.curated().columns()).contains(Pseudonymiser.PATIENT_ID));
        assertNoNhsNumber(merged.curated());
        // rows in = curated + quarantined + superseded: 4 = 1 + 2 + 1
        assertEquals(1, merged.incoming().filter(col(VersionMerge.VERSION_OUTCOME).equalTo(VersionMerge.SUPERSEDED))
                .count());
    }

    /** Incidents carry an NHS number too: pseudonymised the same way, so they join the same patient_key. */
    @Test
    void incidentsArePseudonymisedToTheSameKey() {
        LogContract i = Contracts.MEDICATION_INCIDENTS;
        Dataset<Row> validated = RecordValidator.validate(raw(i, incident(), List.of(Case.of(Set.of()),
                Case.of(Set.of(), "incident_id", "I2", "patient_id", NHS, "prescription_id", null))), i, sites(), LOAD);
        Dataset<Row> keyed = new Pseudonymiser(KEY).pseudonymise(RecordValidator.typed(RecordValidator.valid(validated), i));
        List<Row> keys = keyed.select(col("patient_key")).distinct().collectAsList();
        assertEquals(1, keys.size());
        assertEquals(new HmacPatientKey(KEY).call("9434765919"), keys.get(0).getString(0));
        assertNoNhsNumber(keyed);
    }

    /** Security events have no patient: pseudonymisation leaves them as they are; the newest version wins. */
    @Test
    void securityEventsHaveNothingToPseudonymise() {
        LogContract e = Contracts.SECURITY_EVENTS;
        Dataset<Row> validated = RecordValidator.validate(raw(e, securityEvent(), List.of(Case.of(Set.of()),
                Case.of(Set.of(), "severity", "medium", "record_updated_at", "2026-03-29T11:00:00Z"))), e, sites(), LOAD);
        Dataset<Row> typed = RecordValidator.typed(RecordValidator.valid(validated), e);
        Dataset<Row> keyed = new Pseudonymiser(KEY).pseudonymise(typed);
        assertEquals(List.of(typed.columns()), List.of(keyed.columns()));
        Dataset<Row> incoming = VersionMerge.withContentHash(keyed, e.fieldNames());
        VersionMerge.Result merged = VersionMerge.merge(spark().createDataFrame(List.of(), incoming.schema()),
                incoming, e);
        List<Row> curated = merged.curated().select(col("event_id"), col("severity")).collectAsList();
        assertEquals(List.of(RowFactory.create("E1", "medium")), curated);
    }

    /** No string column of any row holds the NHS number of the fixtures, spaced or not. */
    private static void assertNoNhsNumber(Dataset<Row> rows) {
        for (Row r : rows.collectAsList()) {
            for (int k = 0; k < r.size(); k++) {
                Object v = r.get(k);
                if (v instanceof String s) {
                    String digits = s.replace(" ", "");
                    assertFalse(digits.contains("9434765919") || digits.contains("9434765910"),
                            "NHS number in column " + rows.columns()[k]);
                }
            }
        }
    }

    private static Set<String> covered(List<Case> cases) {
        Set<String> all = new HashSet<>();
        cases.forEach(c -> all.addAll(c.expected()));
        return all;
    }
}
