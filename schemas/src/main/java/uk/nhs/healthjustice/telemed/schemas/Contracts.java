package uk.nhs.healthjustice.telemed.schemas;

import static uk.nhs.healthjustice.telemed.schemas.Field.*;
import static uk.nhs.healthjustice.telemed.schemas.FieldType.*;

import java.util.List;
import org.apache.spark.sql.Column;

/**
 * The logs of {@code shared/spec/DATA_CONTRACT.md} as code (the three core logs, the version 2 safety logs and
 * {@code patients}): the one place their rules live.
 */
public final class Contracts {

    private Contracts() {
    }

    public static final String[] CONSULT_MODALITIES = {"video", "telephone", "face_to_face_onsite", "face_to_face_offsite"};
    public static final String[] CONSULT_OUTCOMES = {"attended", "did_not_attend", "cancelled_by_patient",
            "cancelled_by_provider", "cancelled_no_escort", "cancelled_security", "cancelled_technical", "booked"};
    public static final String[] CLINICIAN_ROLES = {"consultant", "gp", "nurse_practitioner", "psychiatrist",
            "psychologist", "allied_health", "other"};

    public static final LogContract REFERRALS = new LogContract("referrals", "referral_id", List.of(
            required("referral_id", ID),
            required("patient_id", NHS_NUMBER),
            required("site_id", SITE_ID),
            required("specialty_code", SPECIALTY_CODE),
            requiredEnum("priority", "routine", "urgent", "two_week_wait"),
            required("referral_date", DATE),
            nullable("clock_stop_date", DATE),
            nullableEnum("clock_stop_reason", "first_treatment", "decision_not_to_treat", "patient_declined",
                    "released", "transferred_out", "died"),
            requiredEnum("status", "open", "closed", "cancelled"),
            required("record_updated_at", TIMESTAMP)),
            List.of(
                    new CrossFieldRule("referral_date_in_future", "referral_date is after the load date",
                            c -> c.typed("referral_date").gt(c.loadDate())),
                    new CrossFieldRule("clock_stop_before_referral", "clock_stop_date is before referral_date",
                            c -> c.typed("clock_stop_date").lt(c.typed("referral_date"))),
                    new CrossFieldRule("clock_stop_reason_missing", "clock_stop_date is set without clock_stop_reason",
                            c -> c.raw("clock_stop_date").isNotNull().and(c.raw("clock_stop_reason").isNull()))));

    public static final LogContract CONSULTS = new LogContract("consults", "consult_id", List.of(
            required("consult_id", ID),
            nullable("referral_id", ID),
            required("patient_id", NHS_NUMBER),
            required("site_id", SITE_ID),
            required("specialty_code", SPECIALTY_CODE),
            required("scheduled_start", TIMESTAMP),
            requiredEnum("modality", CONSULT_MODALITIES),
            requiredEnum("outcome", CONSULT_OUTCOMES),
            required("first_attendance", BOOLEAN),
            nullable("duration_minutes", INT).between(0, 600),
            requiredEnum("clinician_role", CLINICIAN_ROLES),
            nullable("escort_officers", INT),
            nullable("escort_hours", DOUBLE),
            required("technical_failure", BOOLEAN),
            required("prescription_issued", BOOLEAN),
            required("record_updated_at", TIMESTAMP)),
            List.of(
                    new CrossFieldRule("escort_officers_missing",
                            "an attended face_to_face_offsite consult has no escort_officers",
                            c -> attendedOffsite(c).and(c.raw("escort_officers").isNull())),
                    new CrossFieldRule("escort_officers_out_of_range",
                            "an attended face_to_face_offsite consult has escort_officers outside 1..6",
                            c -> attendedOffsite(c).and(not(c.typed("escort_officers").between(1, 6)))),
                    new CrossFieldRule("escort_hours_missing",
                            "an attended face_to_face_offsite consult has no escort_hours",
                            c -> attendedOffsite(c).and(c.raw("escort_hours").isNull())),
                    new CrossFieldRule("escort_hours_out_of_range",
                            "an attended face_to_face_offsite consult has escort_hours outside 0..24",
                            c -> attendedOffsite(c).and(not(c.typed("escort_hours").between(0, 24))))));

    public static final LogContract MHA_ASSESSMENTS = new LogContract("mha_assessments", "case_id", List.of(
            required("case_id", ID),
            required("patient_id", NHS_NUMBER),
            required("site_id", SITE_ID),
            requiredEnum("section", "s47", "s48"),
            required("referral_date", DATE),
            nullable("first_assessment_date", DATE),
            nullableEnum("first_assessment_modality", "video", "in_person"),
            nullable("second_assessment_date", DATE),
            nullableEnum("second_assessment_modality", "video", "in_person"),
            nullable("bed_offered_date", DATE),
            nullable("transfer_date", DATE),
            requiredEnum("outcome", "open", "transferred", "not_detainable", "withdrawn", "released"),
            // version 2: the day a case closed without transfer; files of version 1 lack the column
            nullable("closed_date", DATE).optionalColumn(),
            required("record_updated_at", TIMESTAMP)),
            List.of(
                    new CrossFieldRule("first_assessment_before_referral", "first_assessment_date is before referral_date",
                            c -> c.typed("first_assessment_date").lt(c.typed("referral_date"))),
                    new CrossFieldRule("second_assessment_before_first",
                            "second_assessment_date is before first_assessment_date",
                            c -> c.typed("second_assessment_date").lt(c.typed("first_assessment_date"))),
                    new CrossFieldRule("transfer_before_referral", "transfer_date is before referral_date",
                            c -> c.typed("transfer_date").lt(c.typed("referral_date"))),
                    new CrossFieldRule("closed_before_referral", "closed_date is before referral_date",
                            c -> c.typed("closed_date").lt(c.typed("referral_date")))));

    /** Age bands of the {@code patients} log (contract version 2), in the contract's order. */
    public static final String[] AGE_BANDS = {"18-20", "21-24", "25-29", "30-39", "40-49", "50-59", "60-69", "70+",
            "under_18"};
    /** Sex as registered ({@code patients}). */
    public static final String[] SEXES = {"female", "male"};
    /** ONS 2021 high-level ethnic groups ({@code patients}). */
    public static final String[] ETHNIC_GROUPS = {"asian", "black", "mixed", "white", "other"};

    /**
     * Version 2: demographics recorded at reception, for equity analysis. One record per patient: the NHS number
     * is the key, and every other field is nullable, since "not recorded" is a value the equity mart reports as
     * {@code unknown}, never an error; only a present value outside its list (or a bad NHS number or timestamp)
     * breaks a rule.
     *
     * <p>The key is named {@code patient_key}: versions are merged after {@code patient_id} has been replaced by
     * its keyed hash ({@code Pseudonymiser}), so the record key is the pseudonymised patient, never the NHS
     * number itself.
     */
    public static final LogContract PATIENTS = new LogContract("patients", "patient_key", List.of(
            required("patient_id", NHS_NUMBER),
            nullableEnum("age_band", AGE_BANDS),
            nullableEnum("sex", SEXES),
            nullable("gender_identity_differs", BOOLEAN),
            nullableEnum("ethnic_group", ETHNIC_GROUPS),
            nullable("disability", BOOLEAN),
            required("record_updated_at", TIMESTAMP)),
            List.of());

    // ---- Contract version 2: remote prescribing safety and telemedicine security (issue 18) ----
    //
    // Three optional logs: a landing folder without them is valid, and the marts that need them are written
    // empty. They are ingested like the first three (ALL below).

    /** BNF chapters as the contract codes them: two digits {@code 01}..{@code 15}, so no free text is needed. */
    public static final String[] BNF_CHAPTERS = {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11",
            "12", "13", "14", "15"};
    /** How a prescription is supplied ({@code prescriptions.supply}). */
    public static final String[] PRESCRIPTION_SUPPLIES = {"in_possession", "supervised", "not_supplied"};
    /** Medication incident categories ({@code medication_incidents.category}). */
    public static final String[] INCIDENT_CATEGORIES = {"wrong_dose", "wrong_drug", "wrong_patient",
            "omitted_or_delayed", "interaction_or_allergy", "monitoring_missed", "diversion", "other"};
    /** Harm grades of the national incident categories ({@code medication_incidents.harm}), least to most. */
    public static final String[] INCIDENT_HARMS = {"no_harm", "low", "moderate", "severe", "death"};
    /** Kinds of telemedicine security event ({@code security_events.kind}). */
    public static final String[] SECURITY_EVENT_KINDS = {"device_misuse", "unauthorised_contact",
            "device_lost_or_damaged", "session_interrupted_by_regime", "data_handling", "other"};
    /** Severity of a security event ({@code security_events.severity}), least to most. */
    public static final String[] SECURITY_SEVERITIES = {"low", "medium", "high"};

    /**
     * Version 2: one prescription issued (or changed) by a clinician. {@code bnf_chapter} is an enum of the
     * fifteen two-digit chapters, so {@code 1}, {@code 16} or {@code 4.1} break {@code bnf_chapter_invalid}.
     * {@code consult_id} is nullable (a repeat issued outside a consult); an unknown consult is not a rule:
     * the prescription's modality is then {@code no_consult}.
     */
    public static final LogContract PRESCRIPTIONS = new LogContract("prescriptions", "prescription_id", List.of(
            required("prescription_id", ID),
            nullable("consult_id", ID),
            required("patient_id", NHS_NUMBER),
            required("site_id", SITE_ID),
            required("issued_at", TIMESTAMP),
            requiredEnum("bnf_chapter", BNF_CHAPTERS),
            required("controlled_drug", BOOLEAN),
            required("high_risk", BOOLEAN),
            requiredEnum("supply", PRESCRIPTION_SUPPLIES),
            required("record_updated_at", TIMESTAMP)),
            List.of());

    /**
     * Version 2: a reported medication incident. {@code prescription_id} is nullable (the prescription
     * involved, when known); one that names no curated prescription is not a rule either, the mart counts the
     * incident as unlinked.
     */
    public static final LogContract MEDICATION_INCIDENTS = new LogContract("medication_incidents", "incident_id",
            List.of(
                    required("incident_id", ID),
                    nullable("prescription_id", ID),
                    required("patient_id", NHS_NUMBER),
                    required("site_id", SITE_ID),
                    required("occurred_at", TIMESTAMP),
                    requiredEnum("category", INCIDENT_CATEGORIES),
                    requiredEnum("harm", INCIDENT_HARMS),
                    required("record_updated_at", TIMESTAMP)),
            List.of());

    /**
     * Version 2: HMPPS monitoring of the telemedicine system inside establishments. No patient identifier:
     * events are about sessions and devices, so there is nothing to pseudonymise.
     */
    public static final LogContract SECURITY_EVENTS = new LogContract("security_events", "event_id", List.of(
            required("event_id", ID),
            required("site_id", SITE_ID),
            required("occurred_at", TIMESTAMP),
            nullable("consult_id", ID),
            requiredEnum("kind", SECURITY_EVENT_KINDS),
            requiredEnum("severity", SECURITY_SEVERITIES),
            required("record_updated_at", TIMESTAMP)),
            List.of());

    /** The optional logs of issue 18, in the order the nightly reads them (after the first three). */
    public static final List<LogContract> SAFETY_LOGS = List.of(PRESCRIPTIONS, MEDICATION_INCIDENTS, SECURITY_EVENTS);

    /**
     * The optional logs: a landing folder without them is valid, and the marts that need them read a log that
     * has never had a valid row as never delivered (empty marts, unknown columns).
     */
    public static final List<LogContract> OPTIONAL = List.of(PRESCRIPTIONS, MEDICATION_INCIDENTS, SECURITY_EVENTS,
            PATIENTS);

    /** Every log the nightly ingests, in the order it reads them: the first three, then {@link #OPTIONAL}. */
    public static final List<LogContract> ALL = List.of(REFERRALS, CONSULTS, MHA_ASSESSMENTS, PRESCRIPTIONS,
            MEDICATION_INCIDENTS, SECURITY_EVENTS, PATIENTS);

    public static LogContract forLog(String log) {
        return ALL.stream().filter(c -> c.log().equals(log)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown log: " + log));
    }

    private static Column attendedOffsite(RuleContext c) {
        return c.typed("modality").equalTo("face_to_face_offsite").and(c.typed("outcome").equalTo("attended"));
    }

    private static Column not(Column c) {
        return org.apache.spark.sql.functions.not(c);
    }
}
