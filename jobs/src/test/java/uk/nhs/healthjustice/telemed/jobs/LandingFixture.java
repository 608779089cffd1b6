package uk.nhs.healthjustice.telemed.jobs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** A small hand-written landing folder: two sites, two nights, every format, a few bad rows. */
final class LandingFixture {

    /** NHS numbers used in the fixture; none may appear in any output. */
    static final String[] NHS_NUMBERS = {"9434765919", "943 476 5919", "1000000060", "9434765910"};

    private LandingFixture() {
    }

    static Path write(Path root) throws IOException {
        write(root.resolve("reference/sites.csv"), """
                site_id,site_name,site_type,region,operational_capacity,telemedicine_go_live
                BCI,"HMP Bure, \"\"north wing\"\"",prison,East of England,600,2025-06-01
                LWI,HMP Lewes,prison,South East,700,
                """);
        write(root.resolve("reference/population.csv"), """
                site_id,month,average_population
                BCI,2026-03,550
                LWI,2026-03,650
                BCI,2026-04,560
                LWI,2026-04,640
                """);
        write(root.resolve("reference/costs.json"), uk.nhs.healthjustice.telemed.jobs.generate.CostModelDefaults.json());
        // night 1: two good referrals, one with a bad check digit, one with an unknown site and future date
        write(root.resolve("referrals/load_date=2026-03-29/referrals.csv"), """
                status,referral_id,patient_id,site_id,specialty_code,priority,referral_date,clock_stop_date,clock_stop_reason,record_updated_at,source_system
                open,R1,943 476 5919,BCI,330,routine,2026-01-10,,,2026-03-29T09:30:00+01:00,sys
                open,R2,1000000060,LWI,GIC,urgent,2025-12-01,,,2026-03-29T09:30:00+01:00,sys
                open,R3,9434765910,LWI,100,routine,2026-01-10,,,2026-03-29T09:30:00+01:00,sys
                open,R4,9434765919,XXX,100,routine,2026-04-10,,,2026-03-29T09:30:00,sys
                open,REF 943 476 5919,9434765919,bci,100,routine,2026-01-10,,,2026-03-29T09:30:00Z,sys
                """);
        write(root.resolve("consults/load_date=2026-03-29/consults.jsonl"), """
                {"consult_id":"C1","referral_id":"R1","patient_id":"9434765919","site_id":"BCI","specialty_code":"330","scheduled_start":"2026-03-29T00:30:00+00:00","modality":"video","outcome":"attended","first_attendance":true,"duration_minutes":20,"clinician_role":"consultant","escort_officers":null,"escort_hours":null,"technical_failure":false,"prescription_issued":false,"record_updated_at":"2026-03-29T10:00:00+01:00"}
                {"consult_id":"C2","referral_id":"R2","patient_id":"1000000060","site_id":"LWI","specialty_code":"GIC","scheduled_start":"2026-03-10T10:00:00Z","modality":"face_to_face_offsite","outcome":"attended","first_attendance":true,"duration_minutes":null,"clinician_role":"consultant","escort_officers":2,"escort_hours":null,"technical_failure":false,"prescription_issued":false,"record_updated_at":"2026-03-29T10:00:00+01:00"}
                {"consult_id":"C3","referral_id":null,"patient_id":"943 476 5919","site_id":"LWI","specialty_code":"100","scheduled_start":"2026-03-28T10:00:00Z","modality":"face_to_face_onsite","outcome":"did_not_attend","first_attendance":false,"duration_minutes":null,"clinician_role":"gp","technical_failure":false,"prescription_issued":false,"record_updated_at":"2026-03-29T10:00:00+01:00"}
                {not json, patient 9434765919
                """);
        writeGzip(root.resolve("mha_assessments/load_date=2026-03-29/mha.csv.gz"), """
                case_id,patient_id,site_id,section,referral_date,first_assessment_date,first_assessment_modality,second_assessment_date,second_assessment_modality,bed_offered_date,transfer_date,outcome,record_updated_at
                M1,9434765919,BCI,s47,2026-03-01,2026-03-05,video,,,,,open,2026-03-29T09:30:00+01:00
                """);
        // night 2: R1 closes (newer version), R2 re-delivered exactly, C2 corrected with escort hours,
        // and a stale version of R1 older than the curated one
        write(root.resolve("referrals/load_date=2026-03-30/referrals.jsonl"), """
                {"referral_id":"R1","patient_id":"9434765919","site_id":"BCI","specialty_code":"330","priority":"routine","referral_date":"2026-01-10","clock_stop_date":"2026-03-29","clock_stop_reason":"first_treatment","status":"closed","record_updated_at":"2026-03-30T09:00:00+01:00"}
                {"referral_id":"R2","patient_id":"1000000060","site_id":"LWI","specialty_code":"GIC","priority":"urgent","referral_date":"2025-12-01","clock_stop_date":null,"clock_stop_reason":null,"status":"open","record_updated_at":"2026-03-29T08:30:00Z"}
                {"referral_id":"R1","patient_id":"9434765919","site_id":"BCI","specialty_code":"330","priority":"urgent","referral_date":"2026-01-10","status":"open","record_updated_at":"2026-03-28T09:00:00+00:00"}
                """);
        write(root.resolve("consults/load_date=2026-03-30/consults.csv"), """
                consult_id,referral_id,patient_id,site_id,specialty_code,scheduled_start,modality,outcome,first_attendance,duration_minutes,clinician_role,escort_officers,escort_hours,technical_failure,prescription_issued,record_updated_at
                C2,R2,1000000060,LWI,GIC,2026-03-10T10:00:00Z,face_to_face_offsite,attended,true,45,consultant,2,5.5,false,true,2026-03-30T10:00:00+01:00
                """);
        return root;
    }

    /**
     * The version 2 safety logs for the same two nights (every figure worked by hand in
     * {@code NightlyCliTest#safetyLogsAreCuratedMeasuredAndEqualABackfill}):
     * <pre>
     * night 1  P1 in C1 (video, which says prescription_issued = false: a mismatch), BCI, high risk, in possession
     *          P2 without a consult (no_consult), LWI, supervised
     *          P3 with bnf_chapter 16: quarantined (bnf_chapter_invalid)
     *          I1 on P1 (monitoring_missed, low); I2 unlinked at LWI on 20 March (wrong_dose, moderate)
     *          E1 a device_misuse at BCI during C1; E2 with kind "hacking": quarantined (kind_invalid)
     * night 2  P1 corrected: not high risk after all; P4 in C2 (offsite, whose correction says true), controlled
     *          I3 on P4 (wrong_drug, severe)
     * </pre>
     * and the version 2 demographics and connectivity: patients 943 476 5919 (30-39, white) and 1000000060
     * (70+, ethnic group not recorded), and a third row with age band "unknown" (not in the list: quarantined);
     * BCI poor with no devices until 4G tablets and adequate connectivity from 15 March 2026, LWI adequate with
     * a fixed room throughout.
     */
    static void writeSafetyLogs(Path root) throws IOException {
        write(root.resolve("prescriptions/load_date=2026-03-29/prescriptions.csv"), """
                prescription_id,consult_id,patient_id,site_id,issued_at,bnf_chapter,controlled_drug,high_risk,supply,record_updated_at
                P1,C1,9434765919,BCI,2026-03-29T11:00:00+01:00,04,false,true,in_possession,2026-03-29T12:00:00+01:00
                P2,,943 476 5919,LWI,2026-03-15T10:00:00Z,02,false,false,supervised,2026-03-29T12:00:00+01:00
                P3,,1000000060,LWI,2026-03-16T10:00:00Z,16,false,false,supervised,2026-03-29T12:00:00+01:00
                """);
        write(root.resolve("medication_incidents/load_date=2026-03-29/incidents.csv"), """
                incident_id,prescription_id,patient_id,site_id,occurred_at,category,harm,record_updated_at
                I1,P1,9434765919,BCI,2026-03-29T15:00:00+01:00,monitoring_missed,low,2026-03-29T16:00:00+01:00
                I2,,1000000060,LWI,2026-03-20T10:00:00Z,wrong_dose,moderate,2026-03-29T16:00:00+01:00
                """);
        write(root.resolve("security_events/load_date=2026-03-29/events.csv"), """
                event_id,site_id,occurred_at,consult_id,kind,severity,record_updated_at
                E1,BCI,2026-03-29T12:00:00+01:00,C1,device_misuse,low,2026-03-29T16:00:00+01:00
                E2,BCI,2026-03-29T13:00:00+01:00,,hacking,high,2026-03-29T16:00:00+01:00
                """);
        write(root.resolve("patients/load_date=2026-03-29/patients.csv"), """
                patient_id,age_band,sex,gender_identity_differs,ethnic_group,disability,record_updated_at
                943 476 5919,30-39,male,false,white,false,2026-03-29T09:00:00+01:00
                1000000060,70+,male,,,,2026-03-29T09:00:00+01:00
                9434765919,unknown,male,false,white,false,2026-03-29T10:00:00+01:00
                """);
        write(root.resolve("reference/site_connectivity.csv"), """
                site_id,valid_from,connectivity,devices
                BCI,2020-01-01,poor,none
                BCI,2026-03-15,adequate,tablets_4g
                LWI,2020-01-01,adequate,fixed_room
                """);
        write(root.resolve("prescriptions/load_date=2026-03-30/prescriptions.csv"), """
                prescription_id,consult_id,patient_id,site_id,issued_at,bnf_chapter,controlled_drug,high_risk,supply,record_updated_at
                P1,C1,9434765919,BCI,2026-03-29T11:00:00+01:00,04,false,false,in_possession,2026-03-30T12:00:00+01:00
                P4,C2,1000000060,LWI,2026-03-10T11:00:00Z,04,true,false,in_possession,2026-03-30T12:00:00+01:00
                """);
        write(root.resolve("medication_incidents/load_date=2026-03-30/incidents.csv"), """
                incident_id,prescription_id,patient_id,site_id,occurred_at,category,harm,record_updated_at
                I3,P4,1000000060,LWI,2026-03-30T09:00:00+01:00,wrong_drug,severe,2026-03-30T16:00:00+01:00
                """);
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static void writeGzip(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
