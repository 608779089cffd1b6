package uk.nhs.healthjustice.telemed.jobs.generate;

import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Rows that break the contract, one kind after another so that every kind appears. Seven in ten are extra
 * records (a new id); three in ten are a newer version of a good record that breaks a rule, so the earlier
 * valid version must survive.
 */
final class BadRows {

    /** Marker key: write this row as a line that is not a record at all. */
    static final String MALFORMED = "__malformed__";

    static final List<String> REFERRAL_KINDS = List.of("check_digit", "identical_digits", "letters_in_nhs_number",
            "missing_id", "unknown_site", "lower_case_site", "bad_priority", "bad_status", "bad_specialty",
            "impossible_date", "timestamp_without_offset", "referral_in_future", "clock_stop_before_referral",
            "clock_stop_without_reason", "malformed");
    static final List<String> CONSULT_KINDS = List.of("check_digit", "missing_id", "bad_modality", "bad_outcome",
            "duration_601", "duration_negative", "offsite_without_escort_hours", "escort_officers_0",
            "escort_officers_7", "escort_hours_25", "first_attendance_not_boolean", "timestamp_without_offset",
            "malformed");
    static final List<String> MHA_KINDS = List.of("check_digit", "bad_section", "first_before_referral",
            "second_before_first", "transfer_before_referral", "bad_modality", "bad_outcome", "malformed");

    // contract version 2 (the safety logs): every rule of their contracts, with the BNF chapter's usual mistakes
    static final List<String> PRESCRIPTION_KINDS = List.of("check_digit", "letters_in_nhs_number", "missing_id",
            "patient_missing", "unknown_site", "bnf_chapter_1", "bnf_chapter_16", "bnf_chapter_4.1",
            "bnf_chapter_missing", "bad_supply", "controlled_drug_not_boolean", "high_risk_missing",
            "issued_at_without_offset", "timestamp_without_offset", "malformed");
    static final List<String> INCIDENT_KINDS = List.of("check_digit", "identical_digits", "missing_id",
            "unknown_site", "bad_category", "bad_harm", "harm_missing", "occurred_at_without_offset",
            "timestamp_without_offset", "malformed");
    static final List<String> SECURITY_KINDS = List.of("missing_id", "unknown_site", "lower_case_site", "bad_kind",
            "bad_severity", "severity_missing", "occurred_at_without_offset", "timestamp_without_offset", "malformed");

    /**
     * The {@code patients} log (contract version 2): every rule, the literal {@code unknown} in each enum and
     * boolean among them (unknown is a blank, never a value).
     */
    static final List<String> PATIENT_KINDS = List.of("check_digit", "identical_digits", "letters_in_nhs_number",
            "patient_missing", "age_band_unknown", "age_band_71_80", "sex_unknown", "sex_m", "gender_identity_unknown",
            "ethnic_group_unknown", "ethnic_group_white_british", "disability_unknown", "disability_yes",
            "timestamp_without_offset", "malformed");

    private BadRows() {
    }

    /**
     * A newer version of a good {@code patients} record (five minutes later) that breaks one rule, the kinds in
     * turn: quarantined, so the earlier valid version stays (a bad NHS number makes it a record of no patient).
     */
    static Map<String, Object> corruptPatient(Map<String, Object> good, int counter) {
        Map<String, Object> r = new LinkedHashMap<>(good);
        ZonedDateTime t = ZonedDateTime.parse((String) r.get("record_updated_at")).plusMinutes(5);
        r.put("record_updated_at", t.format(LandingGenerator.OFFSET));
        String kind = PATIENT_KINDS.get(Math.floorMod(counter, PATIENT_KINDS.size()));
        String nhs = ((String) r.get("patient_id")).replace(" ", "");
        switch (kind) {
            case "check_digit" -> r.put("patient_id", nhs.substring(0, 9) + (char) ('0' + (nhs.charAt(9) - '0' + 1) % 10));
            case "identical_digits" -> r.put("patient_id", "4444444444");
            case "letters_in_nhs_number" -> r.put("patient_id", "NHS-UNKNOWN");
            case "patient_missing" -> r.put("patient_id", null);
            case "age_band_unknown" -> r.put("age_band", "unknown");
            case "age_band_71_80" -> r.put("age_band", "71-80");
            case "sex_unknown" -> r.put("sex", "unknown");
            case "sex_m" -> r.put("sex", "M");
            case "gender_identity_unknown" -> r.put("gender_identity_differs", "unknown");
            case "ethnic_group_unknown" -> r.put("ethnic_group", "unknown");
            case "ethnic_group_white_british" -> r.put("ethnic_group", "White British");
            case "disability_unknown" -> r.put("disability", "unknown");
            case "disability_yes" -> r.put("disability", "yes");
            case "timestamp_without_offset" -> r.put("record_updated_at",
                    ((String) r.get("record_updated_at")).substring(0, 19));
            case "malformed" -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(MALFORMED, "broken record");
                return m;
            }
            default -> throw new IllegalStateException(kind);
        }
        return r;
    }

    static Map<String, Object> corrupt(String log, Map<String, Object> good, int counter, Random random, LocalDate night) {
        Map<String, Object> r = new LinkedHashMap<>(good);
        String idField = switch (log) {
            case "referrals" -> "referral_id";
            case "consults" -> "consult_id";
            case "prescriptions" -> "prescription_id";
            case "medication_incidents" -> "incident_id";
            case "security_events" -> "event_id";
            default -> "case_id";
        };
        boolean newerVersion = random.nextDouble() < 0.3;
        if (newerVersion) {
            ZonedDateTime t = ZonedDateTime.parse((String) r.get("record_updated_at")).plusMinutes(5);
            r.put("record_updated_at", t.format(LandingGenerator.OFFSET));
        } else {
            r.put(idField, r.get(idField) + "-X" + counter);
        }
        List<String> kinds = switch (log) {
            case "referrals" -> REFERRAL_KINDS;
            case "consults" -> CONSULT_KINDS;
            case "prescriptions" -> PRESCRIPTION_KINDS;
            case "medication_incidents" -> INCIDENT_KINDS;
            case "security_events" -> SECURITY_KINDS;
            default -> MHA_KINDS;
        };
        String kind = kinds.get(Math.floorMod(counter, kinds.size()));
        String nhs = (String) r.get("patient_id");
        switch (kind) {
            case "check_digit" -> {
                String n = nhs.replace(" ", "");
                r.put("patient_id", n.substring(0, 9) + (char) ('0' + (n.charAt(9) - '0' + 1) % 10));
            }
            case "identical_digits" -> r.put("patient_id", "4444444444");
            case "letters_in_nhs_number" -> r.put("patient_id", "NHS-UNKNOWN");
            case "missing_id" -> r.put(idField, "");
            case "unknown_site" -> r.put("site_id", "ZZZ9");
            case "lower_case_site" -> r.put("site_id", ((String) r.get("site_id")).toLowerCase());
            case "bad_priority" -> r.put("priority", "soon");
            case "bad_status" -> r.put("status", "deleted");
            case "bad_specialty" -> r.put("specialty_code", "ENT");
            case "impossible_date" -> r.put("referral_date", "2026-02-30");
            case "timestamp_without_offset" -> r.put("record_updated_at",
                    ((String) r.get("record_updated_at")).substring(0, 19));
            case "referral_in_future" -> r.put("referral_date", night.plusDays(10).toString());
            case "clock_stop_before_referral" -> {
                r.put("clock_stop_date", LocalDate.parse((String) r.get("referral_date")).minusDays(3).toString());
                r.put("clock_stop_reason", "first_treatment");
            }
            case "clock_stop_without_reason" -> {
                r.put("clock_stop_date", r.get("referral_date"));
                r.put("clock_stop_reason", null);
            }
            case "bad_modality" -> r.put(log.equals("consults") ? "modality" : "first_assessment_modality", "carrier pigeon");
            case "bad_outcome" -> r.put("outcome", "seen");
            case "duration_601" -> r.put("duration_minutes", 601);
            case "duration_negative" -> r.put("duration_minutes", -1);
            case "offsite_without_escort_hours" -> offsite(r, 2, null);
            case "escort_officers_0" -> offsite(r, 0, 4.0);
            case "escort_officers_7" -> offsite(r, 7, 4.0);
            case "escort_hours_25" -> offsite(r, 2, 25.0);
            case "first_attendance_not_boolean" -> r.put("first_attendance", "maybe");
            case "bad_section" -> r.put("section", "s37");
            case "first_before_referral" -> r.put("first_assessment_date",
                    LocalDate.parse((String) r.get("referral_date")).minusDays(2).toString());
            case "second_before_first" -> {
                LocalDate ref = LocalDate.parse((String) r.get("referral_date"));
                r.put("first_assessment_date", ref.plusDays(5).toString());
                r.put("second_assessment_date", ref.plusDays(2).toString());
            }
            case "transfer_before_referral" -> r.put("transfer_date",
                    LocalDate.parse((String) r.get("referral_date")).minusDays(1).toString());
            case "patient_missing" -> r.put("patient_id", null);
            case "bnf_chapter_1" -> r.put("bnf_chapter", "1");      // leading zero dropped (a spreadsheet did it)
            case "bnf_chapter_16" -> r.put("bnf_chapter", "16");    // no such chapter
            case "bnf_chapter_4.1" -> r.put("bnf_chapter", "4.1");  // a section, not a chapter
            case "bnf_chapter_missing" -> r.put("bnf_chapter", "");
            case "bad_supply" -> r.put("supply", "dispensed");
            case "controlled_drug_not_boolean" -> r.put("controlled_drug", "CD2");
            case "high_risk_missing" -> r.put("high_risk", null);
            case "issued_at_without_offset" -> r.put("issued_at", ((String) r.get("issued_at")).substring(0, 19));
            case "bad_category" -> r.put("category", "near_miss");
            case "bad_harm" -> r.put("harm", "catastrophic");
            case "harm_missing" -> r.put("harm", null);
            case "occurred_at_without_offset" -> r.put("occurred_at", ((String) r.get("occurred_at")).substring(0, 19));
            case "bad_kind" -> r.put("kind", "contraband");
            case "bad_severity" -> r.put("severity", "critical");
            case "severity_missing" -> r.put("severity", "");
            case "malformed" -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(MALFORMED, "broken record");
                return m;
            }
            default -> throw new IllegalStateException(kind);
        }
        return r;
    }

    private static void offsite(Map<String, Object> r, Integer officers, Double hours) {
        r.put("modality", "face_to_face_offsite");
        r.put("outcome", "attended");
        r.put("escort_officers", officers);
        r.put("escort_hours", hours);
    }
}
