package uk.nhs.healthjustice.telemed.pipelines.validation;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import uk.nhs.healthjustice.telemed.schemas.Contracts;
import uk.nhs.healthjustice.telemed.schemas.LogContract;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/** One row per contract rule, each breaking exactly that rule; plus valid edge cases that must pass. */
class RecordValidatorTest extends SparkTestBase {

    static final LocalDate LOAD = LocalDate.parse("2026-03-29");

    static Map<String, String> referral() {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("referral_id", "R1");
        r.put("patient_id", "943 476 5919");
        r.put("site_id", "BCI");
        r.put("specialty_code", "330");
        r.put("priority", "routine");
        r.put("referral_date", "2026-01-10");
        r.put("clock_stop_date", null);
        r.put("clock_stop_reason", null);
        r.put("status", "open");
        r.put("record_updated_at", "2026-03-29T09:30:00+01:00");
        return r;
    }

    static Map<String, String> consult() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("consult_id", "C1");
        c.put("referral_id", null);
        c.put("patient_id", "9434765919");
        c.put("site_id", "BCI");
        c.put("specialty_code", "GIC");
        c.put("scheduled_start", "2026-03-29T00:30:00Z");
        c.put("modality", "face_to_face_offsite");
        c.put("outcome", "attended");
        c.put("first_attendance", "TRUE");
        c.put("duration_minutes", "600");
        c.put("clinician_role", "consultant");
        c.put("escort_officers", "2");
        c.put("escort_hours", "4.5");
        c.put("technical_failure", "false");
        c.put("prescription_issued", "false");
        c.put("record_updated_at", "2026-03-29T10:00:00.123+01:00");
        return c;
    }

    static Map<String, String> mha() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("case_id", "M1");
        m.put("patient_id", "9434765919");
        m.put("site_id", "BCI");
        m.put("section", "s47");
        m.put("referral_date", "2026-03-01");
        m.put("first_assessment_date", "2026-03-01");
        m.put("first_assessment_modality", "video");
        m.put("second_assessment_date", "2026-03-05");
        m.put("second_assessment_modality", "in_person");
        m.put("bed_offered_date", null);
        m.put("transfer_date", "2026-03-29");
        m.put("outcome", "transferred");
        m.put("closed_date", null);
        m.put("record_updated_at", "2026-03-29T09:30:00Z");
        return m;
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

    private Map<Integer, Set<String>> run(LogContract contract, Map<String, String> base, List<Case> cases) {
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
            List<Object> values = new ArrayList<>(r.values());
            values.add("f.csv");
            values.add(i);
            values.add(cases.get(i).malformed());
            rows.add(RowFactory.create(values.toArray()));
        }
        Dataset<Row> raw = spark().createDataFrame(rows, schema);
        Dataset<Row> sites = frame(new StructType().add("site_id", DataTypes.StringType),
                new Object[] {"BCI"}, new Object[] {"LWI"});
        Map<Integer, Set<String>> out = new TreeMap<>();
        for (Row r : RecordValidator.validate(raw, contract, sites, LOAD)
                .select(col("source_row"), col("broken_rules")).collectAsList()) {
            out.put(r.getInt(0), new HashSet<>(r.getList(1)));
        }
        return out;
    }

    private void check(LogContract contract, Map<String, String> base, List<Case> cases) {
        Map<Integer, Set<String>> got = run(contract, base, cases);
        for (int i = 0; i < cases.size(); i++) {
            assertEquals(cases.get(i).expected(), got.get(i), "case " + i + " " + cases.get(i).changes());
        }
    }

    @Test
    void referralRules() {
        check(Contracts.REFERRALS, referral(), referralCases());
    }

    static List<Case> referralCases() {
        return List.of(
                Case.of(Set.of()),
                Case.of(Set.of(), "referral_date", "2026-03-29", "clock_stop_date", "2026-03-29",
                        "clock_stop_reason", "first_treatment", "status", "closed", "specialty_code", "GIC"),
                Case.of(Set.of("referral_id_missing"), "referral_id", "  "),
                Case.of(Set.of("patient_id_missing"), "patient_id", null),
                Case.of(Set.of("patient_id_invalid"), "patient_id", "9434765910"),
                Case.of(Set.of("patient_id_invalid"), "patient_id", "0000000000"),
                Case.of(Set.of("site_id_missing"), "site_id", ""),
                Case.of(Set.of("site_id_invalid"), "site_id", "bci"),
                Case.of(Set.of("site_id_unknown"), "site_id", "XYZ"),
                Case.of(Set.of("specialty_code_missing"), "specialty_code", null),
                Case.of(Set.of("specialty_code_invalid"), "specialty_code", "33"),
                Case.of(Set.of("priority_missing"), "priority", null),
                Case.of(Set.of("priority_invalid"), "priority", "Routine"),
                Case.of(Set.of("referral_date_missing"), "referral_date", null),
                Case.of(Set.of("referral_date_invalid"), "referral_date", "2026-02-30"),
                Case.of(Set.of("referral_date_invalid"), "referral_date", "10/01/2026"),
                Case.of(Set.of("referral_date_in_future"), "referral_date", "2026-03-30"),
                Case.of(Set.of("clock_stop_date_invalid", "clock_stop_reason_missing"), "clock_stop_date", "2026-3-1"),
                Case.of(Set.of("clock_stop_before_referral"), "clock_stop_date", "2026-01-09",
                        "clock_stop_reason", "died"),
                Case.of(Set.of("clock_stop_reason_missing"), "clock_stop_date", "2026-02-01"),
                Case.of(Set.of("clock_stop_reason_invalid"), "clock_stop_date", "2026-02-01",
                        "clock_stop_reason", "treated"),
                Case.of(Set.of("status_missing"), "status", null),
                Case.of(Set.of("status_invalid"), "status", "deleted"),
                Case.of(Set.of("record_updated_at_missing"), "record_updated_at", null),
                Case.of(Set.of("record_updated_at_invalid"), "record_updated_at", "2026-03-29T09:30:00"),
                Case.of(Set.of("record_updated_at_invalid"), "record_updated_at", "2026-03-29 09:30:00+01:00"),
                new Case(Map.of("referral_id", "x"), true, Set.of("malformed_record")));
    }

    @Test
    void consultRules() {
        check(Contracts.CONSULTS, consult(), consultCases());
    }

    static List<Case> consultCases() {
        return withCommonCases(true, List.of(
                Case.of(Set.of()),
                Case.of(Set.of(), "modality", "video", "escort_officers", null, "escort_hours", null,
                        "duration_minutes", "0", "first_attendance", "false"),
                Case.of(Set.of(), "outcome", "cancelled_no_escort", "escort_officers", null, "escort_hours", null),
                Case.of(Set.of("consult_id_missing"), "consult_id", null),
                Case.of(Set.of("scheduled_start_missing"), "scheduled_start", null),
                Case.of(Set.of("scheduled_start_invalid"), "scheduled_start", "2026-03-29T00:30"),
                Case.of(Set.of("modality_missing"), "modality", null),
                Case.of(Set.of("modality_invalid"), "modality", "email"),
                Case.of(Set.of("outcome_missing"), "outcome", null),
                Case.of(Set.of("outcome_invalid"), "outcome", "seen"),
                Case.of(Set.of("first_attendance_missing"), "first_attendance", null),
                Case.of(Set.of("first_attendance_invalid"), "first_attendance", "yes"),
                Case.of(Set.of("duration_minutes_invalid"), "duration_minutes", "601"),
                Case.of(Set.of("duration_minutes_invalid"), "duration_minutes", "-1"),
                Case.of(Set.of("duration_minutes_invalid"), "duration_minutes", "20.5"),
                Case.of(Set.of("clinician_role_missing"), "clinician_role", null),
                Case.of(Set.of("clinician_role_invalid"), "clinician_role", "surgeon"),
                Case.of(Set.of("escort_officers_missing"), "escort_officers", null),
                Case.of(Set.of("escort_officers_out_of_range"), "escort_officers", "0"),
                Case.of(Set.of("escort_officers_out_of_range"), "escort_officers", "7"),
                Case.of(Set.of("escort_officers_invalid"), "escort_officers", "two"),
                Case.of(Set.of("escort_hours_missing"), "escort_hours", null),
                Case.of(Set.of("escort_hours_out_of_range"), "escort_hours", "24.5"),
                Case.of(Set.of("escort_hours_invalid"), "escort_hours", "half a day"),
                Case.of(Set.of("technical_failure_missing"), "technical_failure", null),
                Case.of(Set.of("technical_failure_invalid"), "technical_failure", "0"),
                Case.of(Set.of("prescription_issued_missing"), "prescription_issued", null),
                Case.of(Set.of("prescription_issued_invalid"), "prescription_issued", "maybe"),
                Case.of(Set.of("record_updated_at_invalid"), "record_updated_at", "yesterday")));
    }

    @Test
    void mhaRules() {
        check(Contracts.MHA_ASSESSMENTS, mha(), mhaCases());
    }

    static List<Case> mhaCases() {
        return withCommonCases(false, List.of(
                Case.of(Set.of()),
                Case.of(Set.of(), "first_assessment_date", null, "first_assessment_modality", null,
                        "second_assessment_date", null, "second_assessment_modality", null, "transfer_date", null,
                        "outcome", "open"),
                Case.of(Set.of("case_id_missing"), "case_id", null),
                Case.of(Set.of("section_invalid"), "section", "s37"),
                Case.of(Set.of("section_missing"), "section", null),
                Case.of(Set.of("referral_date_missing"), "referral_date", null),
                Case.of(Set.of("first_assessment_date_invalid"), "first_assessment_date", "2026-13-01"),
                Case.of(Set.of("first_assessment_before_referral"), "first_assessment_date", "2026-02-28"),
                Case.of(Set.of("first_assessment_modality_invalid"), "first_assessment_modality", "phone"),
                Case.of(Set.of("second_assessment_date_invalid"), "second_assessment_date", "soon"),
                Case.of(Set.of("second_assessment_before_first"), "second_assessment_date", "2026-02-28"),
                Case.of(Set.of("second_assessment_modality_invalid"), "second_assessment_modality", "video call"),
                Case.of(Set.of("bed_offered_date_invalid"), "bed_offered_date", "2026-02-29"),
                Case.of(Set.of("transfer_date_invalid"), "transfer_date", "2026/03/29"),
                Case.of(Set.of("transfer_before_referral"), "transfer_date", "2026-02-01"),
                Case.of(Set.of(), "transfer_date", null, "outcome", "withdrawn", "closed_date", "2026-03-01"),
                Case.of(Set.of("closed_date_invalid"), "closed_date", "2026-03-32"),
                Case.of(Set.of("closed_before_referral"), "transfer_date", null, "outcome", "released",
                        "closed_date", "2026-02-28"),
                Case.of(Set.of("outcome_invalid"), "outcome", "admitted"),
                Case.of(Set.of("outcome_missing"), "outcome", ""),
                Case.of(Set.of("referral_date_invalid"), "referral_date", "2026-03-1"),
                Case.of(Set.of("record_updated_at_invalid"), "record_updated_at", "2026-03-29T09:30:00+0100"),
                Case.of(Set.of("patient_id_invalid", "site_id_unknown"), "patient_id", "1111111111", "site_id", "ZZZ")));
    }

    static Map<String, String> patient() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("patient_id", "943 476 5919");
        p.put("age_band", "70+");
        p.put("sex", "female");
        p.put("gender_identity_differs", "false");
        p.put("ethnic_group", "mixed");
        p.put("disability", "TRUE");
        p.put("record_updated_at", "2026-03-29T09:30:00+01:00");
        return p;
    }

    @Test
    void patientRules() {
        check(Contracts.PATIENTS, patient(), patientCases());
    }

    /** Demographics (version 2): unknown is a value, so only the NHS number and the record time are required. */
    static List<Case> patientCases() {
        return List.of(
                Case.of(Set.of()),
                // nothing recorded but the patient: valid, the equity mart reports every field as unknown
                Case.of(Set.of(), "age_band", null, "sex", "", "gender_identity_differs", null,
                        "ethnic_group", "  ", "disability", null),
                Case.of(Set.of(), "age_band", "under_18", "sex", "male", "gender_identity_differs", "True",
                        "ethnic_group", "other", "disability", "false"),
                Case.of(Set.of("patient_id_missing"), "patient_id", null),
                Case.of(Set.of("patient_id_invalid"), "patient_id", "9434765910"),
                Case.of(Set.of("patient_id_invalid"), "patient_id", "4444444444"),
                Case.of(Set.of("age_band_invalid"), "age_band", "70-79"),
                Case.of(Set.of("age_band_invalid"), "age_band", "unknown"),
                Case.of(Set.of("sex_invalid"), "sex", "F"),
                Case.of(Set.of("gender_identity_differs_invalid"), "gender_identity_differs", "yes"),
                Case.of(Set.of("ethnic_group_invalid"), "ethnic_group", "White"),
                Case.of(Set.of("disability_invalid"), "disability", "1"),
                Case.of(Set.of("record_updated_at_missing"), "record_updated_at", null),
                Case.of(Set.of("record_updated_at_invalid"), "record_updated_at", "2026-03-29T09:30:00"),
                new Case(Map.of(), true, Set.of("malformed_record")));
    }

    @Test
    void everyRuleOfEveryLogHasACase() {
        // guards the cases above against a rule added to the contract without a test
        assertEquals(Set.copyOf(Contracts.REFERRALS.ruleNames()), covered(referralCases()));
        assertEquals(Set.copyOf(Contracts.CONSULTS.ruleNames()), covered(consultCases()));
        assertEquals(Set.copyOf(Contracts.MHA_ASSESSMENTS.ruleNames()), covered(mhaCases()));
        assertEquals(Set.copyOf(Contracts.PATIENTS.ruleNames()), covered(patientCases()));
    }

    /** The rules every log shares: identity, site, record time and a line that is not a record. */
    static List<Case> withCommonCases(boolean hasSpecialty, List<Case> own) {
        List<Case> all = new ArrayList<>(own);
        all.add(Case.of(Set.of("patient_id_missing"), "patient_id", null));
        all.add(Case.of(Set.of("patient_id_invalid"), "patient_id", "943 476 591X"));
        all.add(Case.of(Set.of("site_id_missing"), "site_id", null));
        all.add(Case.of(Set.of("site_id_invalid"), "site_id", "B-C-I"));
        all.add(Case.of(Set.of("site_id_unknown"), "site_id", "ABCDEFGH"));
        all.add(Case.of(Set.of("record_updated_at_missing"), "record_updated_at", null));
        all.add(new Case(Map.of(), true, Set.of("malformed_record")));
        if (hasSpecialty) {
            all.add(Case.of(Set.of("specialty_code_missing"), "specialty_code", null));
            all.add(Case.of(Set.of("specialty_code_invalid"), "specialty_code", "gic"));
        }
        return all;
    }

    private static Set<String> covered(List<Case> cases) {
        Set<String> all = new HashSet<>();
        cases.forEach(c -> all.addAll(c.expected()));
        return all;
    }
}
