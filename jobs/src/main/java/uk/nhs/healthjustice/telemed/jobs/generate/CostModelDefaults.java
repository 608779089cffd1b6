package uk.nhs.healthjustice.telemed.jobs.generate;

/**
 * The default unit costs written to {@code reference/costs.json}, each with the public source it comes from.
 * Where no published figure exists the value is an assumption and the source says so. Check each figure
 * against the current edition before quoting it.
 */
public final class CostModelDefaults {

    private CostModelDefaults() {
    }

    public static String json() {
        return """
                [
                  {"name": "escort_officer_hour", "value_gbp": 30.0, "unit": "per officer-hour", "valid_from": "2024-04-01", "valid_to": "2025-10-31",
                   "source": "Assumption: prison officer (band 3) pay with on-costs, per hour; HSSIB (Nov 2024) puts escorting prisoners to outpatient appointments at GBP 48-50 million a year"},
                  {"name": "escort_officer_hour", "value_gbp": 32.5, "unit": "per officer-hour", "valid_from": "2025-11-01",
                   "source": "Assumption: as above after a pay award taking effect 1 November 2025 (synthetic, exercises a mid-quarter change)"},
                  {"name": "escort_vehicle_trip", "value_gbp": 120.0, "unit": "per trip", "valid_from": "2024-04-01",
                   "source": "Assumption derived from Airedale NHS FT (2014): the cheapest escort cost about GBP 200 including officers"},
                  {"name": "clinician_hour.consultant", "value_gbp": 143.0, "unit": "per hour", "valid_from": "2024-04-01",
                   "source": "PSSRU/CHE Unit Costs of Health and Social Care 2023 (Jones et al.), hospital consultant, per working hour (approximate)"},
                  {"name": "clinician_hour.gp", "value_gbp": 118.0, "unit": "per hour", "valid_from": "2024-04-01",
                   "source": "PSSRU/CHE Unit Costs of Health and Social Care 2023, general practitioner, per hour of patient contact excluding qualifications (approximate)"},
                  {"name": "clinician_hour.nurse_practitioner", "value_gbp": 65.0, "unit": "per hour", "valid_from": "2024-04-01",
                   "source": "PSSRU/CHE Unit Costs of Health and Social Care 2023, advanced nurse (Agenda for Change band 7/8a), per hour (approximate)"},
                  {"name": "clinician_hour.psychiatrist", "value_gbp": 143.0, "unit": "per hour", "valid_from": "2024-04-01",
                   "source": "PSSRU/CHE Unit Costs of Health and Social Care 2023, consultant psychiatrist, per working hour (approximate)"},
                  {"name": "clinician_hour.psychologist", "value_gbp": 82.0, "unit": "per hour", "valid_from": "2024-04-01",
                   "source": "PSSRU/CHE Unit Costs of Health and Social Care 2023, clinical psychologist (band 8a), per hour (approximate)"},
                  {"name": "clinician_hour.allied_health", "value_gbp": 55.0, "unit": "per hour", "valid_from": "2024-04-01",
                   "source": "PSSRU/CHE Unit Costs of Health and Social Care 2023, allied health professional (band 6), per hour (approximate)"},
                  {"name": "clinician_hour.other", "value_gbp": 45.0, "unit": "per hour", "valid_from": "2024-04-01",
                   "source": "Assumption: Agenda for Change band 5 per hour, PSSRU/CHE Unit Costs of Health and Social Care 2023 (approximate)"},
                  {"name": "telemedicine_per_consult", "value_gbp": 5.0, "unit": "per attended remote consult", "valid_from": "2024-04-01",
                   "source": "Assumption: platform licence and support per consult; no published figure found"},
                  {"name": "telemedicine_site_month", "value_gbp": 1500.0, "unit": "per site per month", "valid_from": "2024-04-01",
                   "source": "Assumption: devices, connectivity and security assurance per site per month; no published figure found"},
                  {"name": "outpatient_attendance_reference", "value_gbp": 120.0, "unit": "per attendance", "valid_from": "2016-04-01",
                   "source": "NHS Reference Costs 2016/17 average outpatient attendance (kept for comparison; not used by the pipeline)"}
                ]
                """;
    }
}
