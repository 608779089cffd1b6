package uk.nhs.healthjustice.telemed.pipelines.publication;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uk.nhs.healthjustice.telemed.pipelines.publication.Disclosure.Rate;

/**
 * The disclosure declaration of every published mart: one place to read what is controlled and why.
 *
 * <p>Not controlled: {@code average_population} (establishment populations are published monthly by the
 * Ministry of Justice), {@code specialties_attended} (not about individuals), the model outputs of
 * {@code rollout_impact}, and {@code digital_equivalence} (national only). Money totals are treated as
 * statistics resting on the attendances they sum. In {@code cost_effectiveness} the differences and their
 * intervals are suppressed with the group means they are built from, since a published difference and one
 * published mean would give the other mean away. {@code data_quality} is operational and not published.
 */
public final class Disclosures {

    private Disclosures() {
    }

    public static final Disclosure WAITING_TIMES = new Disclosure("waiting_times",
            List.of("completed_pathways", "completed_within_18_weeks", "incomplete_pathways", "incomplete_over_18_weeks",
                    "incomplete_over_52_weeks"),
            stats("median_wait_days", List.of("completed_pathways"), "p92_wait_days", List.of("completed_pathways"),
                    "mean_wait_days", List.of("completed_pathways"),
                    "incomplete_p92_wait_days", List.of("incomplete_pathways")),
            List.of(Rate.of("pct_within_18_weeks", "completed_within_18_weeks", "completed_pathways", 100)));

    public static final Disclosure ACCESS = new Disclosure("access",
            List.of("consults_due", "attended", "did_not_attend", "cancelled_no_escort", "cancelled_other",
                    "attended_telemedicine", "patients_seen", "gic_attended", "technical_failures", "telemedicine_due"),
            Map.of(),
            List.of(Rate.of("attended_per_1000", "attended", "average_population", 1000),
                    new Rate("dna_rate", "did_not_attend", List.of("attended", "did_not_attend"), 1, false),
                    new Rate("telemedicine_share", "attended_telemedicine", List.of("attended"), 1, true),
                    Rate.of("technical_failure_rate", "technical_failures", "telemedicine_due", 1)));

    public static final Disclosure MHA_TRANSFERS = new Disclosure("mha_transfers",
            List.of("cases_referred", "cases_assessed", "first_assessment_within_14_days", "cases_transferred",
                    "transferred_within_28_days", "open_over_28_days", "cases_open"),
            stats("median_days_to_first_assessment", List.of("cases_assessed"),
                    "p92_days_to_first_assessment", List.of("cases_assessed"),
                    "median_days_assessment_to_transfer", List.of("cases_transferred"),
                    "median_days_to_transfer", List.of("cases_transferred")),
            List.of(Rate.of("pct_transferred_within_28_days", "transferred_within_28_days", "cases_transferred", 100)));

    public static final Disclosure COSTS = new Disclosure("costs",
            List.of("attended", "escorts", "escorts_avoided", "attendances_without_unit_cost"),
            stats("clinician_cost_gbp", List.of("attended"), "escort_cost_gbp", List.of("escorts"),
                    "total_cost_gbp", List.of("attended"), "cost_per_attendance_gbp", List.of("attended"),
                    "escort_officer_hours", List.of("escorts"), "escort_cost_avoided_gbp", List.of("escorts_avoided")),
            List.of());

    public static final Disclosure COST_EFFECTIVENESS = new Disclosure("cost_effectiveness",
            List.of("telemedicine_pathways", "in_person_pathways"),
            stats("mean_cost_telemedicine_gbp", List.of("telemedicine_pathways"),
                    "mean_wait_telemedicine_days", List.of("telemedicine_pathways"),
                    "mean_cost_in_person_gbp", List.of("in_person_pathways"),
                    "mean_wait_in_person_days", List.of("in_person_pathways"),
                    "cost_difference_gbp", both(), "cost_difference_ci_low", both(), "cost_difference_ci_high", both(),
                    "wait_difference_days", both(), "wait_difference_ci_low", both(), "wait_difference_ci_high", both(),
                    "incremental_cost_per_wait_day_avoided_gbp", both(),
                    "incremental_cost_per_wait_day_avoided_ci_low", both(),
                    "incremental_cost_per_wait_day_avoided_ci_high", both()),
            List.of());

    /**
     * National estimates are model outputs and national rows are never changed; the site rows are descriptive
     * (a site's quarterly values and its before/after means), controlled like any site statistic.
     */
    public static final Disclosure ROLLOUT_IMPACT = new Disclosure("rollout_impact",
            List.of("n", "n_before", "n_after"),
            stats("value", List.of("n"), "value_before", List.of("n_before"), "value_after", List.of("n_after"),
                    "change", List.of("n_before", "n_after")),
            List.of());

    /** National only: nothing to control, published as it is. */
    public static final Disclosure DIGITAL_EQUIVALENCE = new Disclosure("digital_equivalence", List.of(), Map.of(),
            List.of());

    /** Every published mart by name. */
    public static final Map<String, Disclosure> BY_MART = byName(WAITING_TIMES, ACCESS, MHA_TRANSFERS, COSTS,
            COST_EFFECTIVENESS, ROLLOUT_IMPACT, DIGITAL_EQUIVALENCE);

    private static List<String> both() {
        return List.of("telemedicine_pathways", "in_person_pathways");
    }

    private static Map<String, List<String>> stats(Object... pairs) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> on = (List<String>) pairs[i + 1];
            m.put((String) pairs[i], on);
        }
        return m;
    }

    private static Map<String, Disclosure> byName(Disclosure... ds) {
        Map<String, Disclosure> m = new LinkedHashMap<>();
        for (Disclosure d : ds) {
            m.put(d.mart(), d);
        }
        return m;
    }
}
