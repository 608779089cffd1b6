package uk.nhs.healthjustice.telemed.schemas.published;

import static org.apache.spark.sql.types.DataTypes.*;
import static uk.nhs.healthjustice.telemed.schemas.published.PublishedColumn.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Every published table and the disclosure class of each of its columns: the one place an information-governance
 * reviewer reads to see what is shared and how it is protected. Publishing refuses a mart column declared
 * nowhere here, and a test checks that every published table's columns are exactly these.
 *
 * <p>The money rules (METRICS.md, published/, version 2): a total of money or hours below national level would
 * give back a count when divided by a unit cost (an escort costs hundreds of pounds, a platform charge GBP 5 a
 * consult, so GBP 1,090 / 361.67 = 3), and a row's {@code ALL} total minus its other modalities gives a
 * suppressed row's total. So below national, totals are published only where they rest on no count of people;
 * costs of people's care appear as means per attendance or per pathway resting on 8 or more, or as a rounded
 * count times a published factor (which can only give back the rounded count).
 *
 * <p>Each column also has its Spark SQL type, the same in {@code marts/} and {@code published/}: its class's
 * usual type ({@link PublishedColumn#usualType}) unless declared with {@code typed(...)}. A test of the nightly
 * checks every written table against {@link PublishedTable#schema()} and {@link #publishedSchema}.
 */
public final class PublishedTables {

    private PublishedTables() {
    }

    private static final String PER_ATTENDANCE = "a mean per attendance resting on 8 or more attendances: clinician"
            + " time varies with duration and role and escorts with officers and hours, and no component mean is"
            + " published below national, so it cannot be divided back into a count";
    private static final String TOTAL = "a total that a unit cost divides into a count (platform charge per consult,"
            + " escort officer-hour, clinician hour), and ALL minus the other modalities would give a suppressed"
            + " row's total: national rows only";

    /** Officer-hours, as the costs mart writes them. */
    public static final DataType HOURS = createDecimalType(12, 2);

    private static final String NATIONAL_SENSITIVITY = "the national adjusted incremental cost per pathway under a"
            + " varied unit cost: the mart has national rows only";

    private static final String BOOTSTRAP_SETTING = "the bootstrap's number of resamples or its seed, derived from"
            + " the row's period and geography so that a rerun gives the same interval: describes the method, not people";

    private static final String SITE_ATTRIBUTE = "the site's connectivity or devices from"
            + " reference/site_connectivity.csv, in force at period end: describes the site, not people";

    public static final PublishedTable WAITING_TIMES = new PublishedTable("waiting_times", concat(
            periodAndGeography(), List.of(dimension("specialty_code"), dimension("priority"), dimension("modality_group"),
                    dimension("measure"),
                    count("completed_pathways"),
                    statistic("median_wait_days", "completed_pathways").typed(IntegerType),
                    statistic("p92_wait_days", "completed_pathways").typed(IntegerType),
                    meanOfWholeDays("mean_wait_days", "completed_pathways"),
                    count("completed_within_18_weeks"),
                    rate("pct_within_18_weeks", "completed_within_18_weeks", 100, "completed_pathways"),
                    count("incomplete_pathways"),
                    count("incomplete_over_18_weeks"),
                    count("incomplete_over_52_weeks"),
                    statistic("incomplete_p92_wait_days", "incomplete_pathways").typed(IntegerType),
                    // the waiting-list standard and flows (RTT rules, version 2)
                    statistic("incomplete_median_wait_days", "incomplete_pathways").typed(IntegerType),
                    count("incomplete_within_18_weeks"),
                    rate("pct_incomplete_within_18_weeks", "incomplete_within_18_weeks", 100, "incomplete_pathways"),
                    count("incomplete_over_65_weeks"),
                    count("incomplete_over_78_weeks"),
                    count("incomplete_over_104_weeks"),
                    count("new_clock_starts"),
                    count("removed_released"),
                    count("removed_transferred_out"),
                    count("removed_died"),
                    rate("released_before_treatment_rate", "removed_released", 1, "completed_pathways",
                            "removed_released", "removed_transferred_out", "removed_died"))));

    public static final PublishedTable ACCESS = new PublishedTable("access", concat(periodAndGeography(), List.of(
            dimension("modality_group"),
            reference("average_population", "the Ministry of Justice publishes establishment populations monthly")
                    .typed(DoubleType),
            count("consults_due"), count("attended"), count("did_not_attend"), count("cancelled_no_escort"),
            count("cancelled_other"), count("cancelled_security"),
            rate("attended_per_1000", "attended", 1000, "average_population"),
            rate("dna_rate", "did_not_attend", 1, "attended", "did_not_attend"),
            rateWhereSet("telemedicine_share", "attended_telemedicine", 1, "attended"),
            count("attended_telemedicine"),
            count("patients_seen"),
            // at most the attendances: 7 specialties beside suppressed attendances would give back 7
            statistic("specialties_attended", "attended").typed(LongType),
            count("gic_attended"),
            count("technical_failures"),
            count("telemedicine_due"),
            rate("technical_failure_rate", "technical_failures", 1, "telemedicine_due"))));

    public static final PublishedTable MHA_TRANSFERS = new PublishedTable("mha_transfers", concat(periodAndGeography(),
            List.of(dimension("first_assessment_modality"),
                    count("cases_referred"), count("cases_assessed"),
                    statistic("median_days_to_first_assessment", "cases_assessed").typed(IntegerType),
                    statistic("p92_days_to_first_assessment", "cases_assessed").typed(IntegerType),
                    count("first_assessment_within_14_days"),
                    count("cases_transferred"),
                    statistic("median_days_assessment_to_transfer", "cases_transferred").typed(IntegerType),
                    statistic("median_days_to_transfer", "cases_transferred").typed(IntegerType),
                    count("transferred_within_28_days"),
                    rate("pct_transferred_within_28_days", "transferred_within_28_days", 100, "cases_transferred"),
                    count("open_over_28_days"),
                    count("cases_open"),
                    statistic("km_median_days_to_transfer", "cases_referred", "cases_transferred").typed(IntegerType))));

    public static final PublishedTable COSTS = new PublishedTable("costs", concat(periodAndGeography(), List.of(
            dimension("modality_group"),
            count("attended"),
            moneyNationalOnly("clinician_cost_gbp", TOTAL),
            moneyNationalOnly("escort_cost_gbp", TOTAL),
            moneyNationalOnly("telemedicine_cost_gbp", "less the site fixed cost, divided by the platform charge per"
                    + " consult, it gives the attendances: national rows only"),
            moneyNotFromPeople("site_fixed_cost_gbp", "the site's monthly charge times the months it was live: divided"
                    + " by the unit cost it gives months, which the public site register shows already"),
            moneyNationalOnly("total_cost_gbp", TOTAL),
            moneyMean("cost_per_attendance_gbp", PER_ATTENDANCE, "attended"),
            count("escorts"),
            moneyNationalOnly("escort_officer_hours", "hours per escort are a few fixed shift lengths, so a total"
                    + " divides into escorts: national rows only").typed(HOURS),
            // an expected count, a sum of each attendance's share of an escort
            count("escorts_avoided").typed(createDecimalType(24, 10)),
            moneyRoundedCountTimes("escort_cost_avoided_gbp", "escorts_avoided", "national_mean_escort_cost_gbp",
                    "divided by the national mean escort cost beside it, it gives escorts avoided: so below national"
                            + " it is the rounded count times that mean, and gives back only the rounded count"),
            new PublishedColumn("national_mean_escort_cost_gbp", DisclosureClass.MONEY, List.of(), List.of(), 1, false,
                    DisclosureClass.MoneyForm.NOT_FROM_PEOPLE, null,
                    "the national figure, the same on every row of a period: national figures are not controlled"),
            count("attendances_without_unit_cost"))));

    /**
     * Version 2: one row per perspective ({@code nhs}, {@code hmpps}, {@code public_sector}). Unadjusted means
     * and differences rest on all pathways of each arm; the case-mix adjusted differences, their intervals and
     * every decision output (ratio, quadrant shares, net monetary benefit, acceptability) rest on the pathways
     * of the compared strata, so below national they are published only where both compared counts are 8 or
     * more. Counts of strata are controlled like counts of people: a number of strata dropped is a lower bound
     * on the pathways dropped.
     */
    public static final PublishedTable COST_EFFECTIVENESS = new PublishedTable("cost_effectiveness", concat(
            periodAndGeography(), concat(List.of(
                    dimension("perspective"),
                    count("telemedicine_pathways"), count("in_person_pathways"),
                    count("telemedicine_pathways_compared"), count("in_person_pathways_compared"),
                    count("strata_compared"), count("strata_dropped"), count("pathways_dropped"),
                    moneyMean("mean_cost_telemedicine_gbp", "a mean per pathway resting on 8 or more pathways",
                            "telemedicine_pathways"),
                    moneyMean("mean_cost_in_person_gbp", "a mean per pathway resting on 8 or more pathways",
                            "in_person_pathways"),
                    betweenArms("cost_difference_unadjusted_gbp").typed(GBP),
                    compared("cost_difference_gbp").typed(GBP),
                    compared("cost_difference_ci_low").typed(GBP),
                    compared("cost_difference_ci_high").typed(GBP),
                    meanOfWholeDays("mean_wait_telemedicine_days", "telemedicine_pathways"),
                    meanOfWholeDays("mean_wait_in_person_days", "in_person_pathways"),
                    betweenArms("wait_difference_unadjusted_days"),
                    compared("wait_difference_days"),
                    compared("wait_difference_ci_low"),
                    compared("wait_difference_ci_high"),
                    compared("incremental_cost_per_wait_day_avoided_gbp").typed(GBP),
                    compared("incremental_cost_per_wait_day_avoided_ci_low").typed(GBP),
                    compared("incremental_cost_per_wait_day_avoided_ci_high").typed(GBP),
                    compared("ratio_note").typed(StringType),
                    compared("p_cheaper_and_faster"), compared("p_dearer_and_faster"),
                    compared("p_cheaper_and_slower"), compared("p_dearer_and_slower")),
                    concat(decisionColumns(), List.of(
                    compared("dominant").typed(BooleanType),
                    compared("verdict").typed(StringType),
                    compared("bootstrap_unit").typed(StringType),
                    compared("bootstrap_sites").typed(LongType),
                    // the bootstrap's settings describe how a row was computed, not a line of the table: the
                    // seed differs on every row, so as a dimension it made every region and site row a line of
                    // its own, without the national total that SmallNationalTotals controls against
                    reference("bootstrap_resamples", BOOTSTRAP_SETTING).typed(IntegerType),
                    reference("bootstrap_seed", BOOTSTRAP_SETTING).typed(LongType))))));

    /**
     * One-way sensitivity of the national adjusted incremental cost (METRICS.md cost_effectiveness,
     * "Sensitivity"): national rows only, which disclosure control does not change; declared national-only so
     * that a row below national, were one ever written, would publish no money.
     */
    public static final PublishedTable COST_SENSITIVITY = new PublishedTable("cost_sensitivity", concat(
            periodAndGeography(), List.of(
                    dimension("parameter"), dimension("perspective"),
                    dimension("low_factor").typed(DoubleType), dimension("high_factor").typed(DoubleType),
                    moneyNationalOnly("cost_difference_gbp", NATIONAL_SENSITIVITY),
                    moneyNationalOnly("cost_difference_low_gbp", NATIONAL_SENSITIVITY),
                    moneyNationalOnly("cost_difference_high_gbp", NATIONAL_SENSITIVITY))));

    private static final String BUDGET_TOTAL = "a total of a site's care, as delivered or at the pre-go-live mix"
            + " (consults x a pre-go-live mean): divided by a unit cost or that mean it gives back consults, and a"
            + " region minus its other sites gives a site: national rows only";

    /**
     * Budget impact (METRICS.md cost_effectiveness, "Budget impact"): per site and financial year since go-live,
     * the cost as delivered against the same activity at the site's pre-go-live mix, per perspective. Below
     * national the totals are withheld (they divide back into consults) and the impact is published as a mean
     * per consult resting on 8 or more consults.
     */
    public static final PublishedTable BUDGET_IMPACT = new PublishedTable("budget_impact", concat(
            periodAndGeography(), List.of(
                    dimension("perspective"),
                    count("consults"), count("consults_at_national_mix"), count("consults_without_baseline"),
                    count("consults_without_unit_cost"),
                    moneyNationalOnly("cost_as_delivered_gbp", BUDGET_TOTAL),
                    moneyNationalOnly("cost_at_pre_go_live_mix_gbp", BUDGET_TOTAL),
                    moneyNationalOnly("budget_impact_gbp", BUDGET_TOTAL),
                    moneyMean("budget_impact_per_consult_gbp", "a mean difference per consult resting on 8 or more"
                            + " consults: its totals are not published below national, so it cannot be multiplied"
                            + " back into one", "consults"))));

    /** Net monetary benefit and acceptability at each willingness to pay (METRICS.md: 0 to 200 GBP a wait-day). */
    private static List<PublishedColumn> decisionColumns() {
        List<PublishedColumn> out = new ArrayList<>();
        for (int lambda : new int[] {0, 5, 10, 20, 50, 100, 200}) {
            out.add(compared("nmb_" + lambda).typed(GBP));
        }
        for (int lambda : new int[] {0, 5, 10, 20, 50, 100, 200}) {
            out.add(compared("p_cost_effective_" + lambda));
        }
        return out;
    }

    /**
     * National rows are model estimates; site rows are the site's quarterly values and its before/after means.
     * Below national every value is published only where every count it rests on is at least 8; rates are
     * recomputed from the rounded numerator and count, and the before/after means from the published quarters
     * ({@code SiteEffects} in the publication step).
     */
    public static final PublishedTable ROLLOUT_IMPACT = new PublishedTable("rollout_impact", List.of(
            dimension("level"), dimension("region"), dimension("site_id"), dimension("outcome"),
            reference("telemedicine_go_live", "the public site register").typed(DateType),
            reference("go_live_quarter", "the public site register"),
            dimension("event_time").typed(IntegerType), dimension("period_start").typed(DateType),
            dimension("period_label"),
            modelOutput("value", "n", "numerator"),
            count("n"),
            count("numerator"),
            dimension("quarters_before").typed(IntegerType), dimension("quarters_after").typed(IntegerType),
            modelOutput("value_before", "n_before"), modelOutput("value_after", "n_after"),
            count("n_before"), count("n_after"),
            modelOutput("change", "n_before", "n_after"),
            modelOutput("estimate"), modelOutput("ci_low"), modelOutput("ci_high"),
            reference("sites_treated", "a count of sites, from the public site register").typed(IntegerType),
            reference("sites_never_live", "a count of sites, from the public site register").typed(IntegerType),
            dimension("n_bootstrap").typed(IntegerType), dimension("method"),
            // version 2: national rows only (sup-t band on event times, pre-trend test on the overall effect)
            modelOutput("band_low"), modelOutput("band_high"), modelOutput("pretrend_p_value"),
            dimension("control"),
            // version 2: ALL, or the connectivity at go-live of the sites whose national effect a row estimates
            dimension("subgroup")));

    /** National only (region and site_id {@code ALL}): nothing below national to control. */
    public static final PublishedTable DIGITAL_EQUIVALENCE = new PublishedTable("digital_equivalence", concat(
            periodAndGeography(), List.of(dimension("specialty_code"),
                    count("prison_attended"), count("prison_attended_telemedicine"),
                    rate("prison_telemedicine_share", "prison_attended_telemedicine", 1, "prison_attended"),
                    reference("community_telemedicine_share", "the community benchmark file").typed(DoubleType),
                    statistic("telemedicine_share_ratio", "prison_attended"),
                    count("prison_completed_pathways"),
                    statistic("prison_median_wait_days", "prison_completed_pathways"),
                    reference("community_median_wait_days", "the community benchmark file").typed(DoubleType),
                    statistic("wait_ratio", "prison_completed_pathways"),
                    reference("community_months", "the community benchmark file").typed(IntegerType),
                    dimension("all_method"))));

    /** The site register, public: dashboards need names and regions beside the marts. */
    public static final PublishedTable SITES = new PublishedTable("sites", List.of(dimension("site_id"),
            reference("site_name", "the public site register"), reference("site_type", "the public site register"),
            dimension("region"), reference("operational_capacity", "published by HMPPS").typed(IntegerType),
            reference("telemedicine_go_live", "the public site register").typed(DateType)));

    /**
     * Version 2: national and region rows only, no {@code site_id} (site-level demographic cells would identify
     * people); national rows are those with {@code region = ALL}. Counts are controlled; shares are recomputed
     * from the rounded counts; the ratio of a group's share to the national share is recomputed from the
     * published share (declared after it) and the national share, a national figure the same on every row of a
     * quarter, so it can give back no more than the published share. The median and its ratio rest on the
     * completed pathways. The national rows are exact, so publication also applies secondary suppression to this
     * table only ({@code SecondarySuppression} in the publication step): every region of the table gets a row in
     * every line (zeros added), and a line with one suppressed region count gets a second, so that national minus
     * the other regions never gives a suppressed count back.
     */
    public static final PublishedTable EQUITY = new PublishedTable("equity", List.of(
            dimension("period_type"), dimension("period_start").typed(DateType), dimension("period_label"),
            dimension("region"), dimension("dimension"), dimension("group_value"),
            count("patients_seen"), count("attended"), count("attended_telemedicine"), count("did_not_attend"),
            rate("telemedicine_share", "attended_telemedicine", 1, "attended"),
            rate("dna_rate", "did_not_attend", 1, "attended", "did_not_attend"),
            count("gic_attended"),
            count("completed_pathways"),
            statistic("median_wait_days", "completed_pathways").typed(IntegerType),
            nationalFigure("national_telemedicine_share"),
            rate("telemedicine_share_vs_all", "telemedicine_share", 1, "national_telemedicine_share"),
            nationalFigure("national_median_wait_days").typed(IntegerType),
            statistic("median_wait_vs_all", "completed_pathways")));

    /**
     * Version 2: site rows per quarter. Connectivity and devices describe the site, not people; counts are
     * controlled and the rates recomputed from the rounded counts, as in {@code access}.
     */
    public static final PublishedTable READINESS = new PublishedTable("readiness", concat(periodAndGeography(), List.of(
            // site attributes, not line dimensions: a quarter's line is all its sites (SmallNationalTotals)
            reference("connectivity", SITE_ATTRIBUTE).typed(StringType),
            reference("devices", SITE_ATTRIBUTE).typed(StringType),
            reference("connectivity_valid_from", SITE_ATTRIBUTE).typed(DateType),
            count("attended"), count("attended_telemedicine"),
            rate("telemedicine_share", "attended_telemedicine", 1, "attended"),
            count("telemedicine_due"), count("technical_failures"),
            rate("technical_failure_rate", "technical_failures", 1, "telemedicine_due"))));

    /** A national value repeated on every row of a period: national figures are not controlled. */
    private static PublishedColumn nationalFigure(String name) {
        return new PublishedColumn(name, DisclosureClass.STATISTIC, List.of(), List.of(), 1, false, null, null,
                "the national figure, the same on every row of a period: national figures are not controlled");
    }

    /** The flag disclosure control adds as the last column of every controlled table: the row lost a count. */
    public static final String SUPPRESSED = "suppressed";

    /**
     * The schema of {@code published/<name>}: the mart's, and for a controlled table the {@link #SUPPRESSED}
     * flag after it. Disclosure control changes values, never types.
     */
    public static StructType publishedSchema(String name) {
        PublishedTable table = ALL.get(name);
        if (table == null) {
            throw new IllegalArgumentException("Cannot give the schema of published/" + name + ": not a published table");
        }
        return CONTROLLED.containsKey(name) ? table.schema().add(SUPPRESSED, BooleanType, true) : table.schema();
    }

    /** A comparison of the two arms of cost_effectiveness: it rests on both arms' pathways. */
    private static PublishedColumn betweenArms(String name) {
        return modelOutput(name, "telemedicine_pathways", "in_person_pathways");
    }

    /** A case-mix adjusted comparison: it rests on the pathways of the strata with both arms. */
    private static PublishedColumn compared(String name) {
        return modelOutput(name, "telemedicine_pathways_compared", "in_person_pathways_compared");
    }

    private static List<PublishedColumn> periodAndGeography() {
        return List.of(dimension("period_type"), dimension("period_start").typed(DateType), dimension("period_label"),
                dimension("region"), dimension("site_id"));
    }

    private static List<PublishedColumn> concat(List<PublishedColumn> a, List<PublishedColumn> b) {
        List<PublishedColumn> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static Map<String, PublishedTable> byName(PublishedTable... tables) {
        Map<String, PublishedTable> m = new LinkedHashMap<>();
        for (PublishedTable t : tables) {
            m.put(t.name(), t);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    // ---- Version 2 (issue 18): remote prescribing safety and telemedicine security ----

    /**
     * Version 2: per period x region x site x modality group ({@code telemedicine}, {@code in_person},
     * {@code no_consult}, {@code ALL}). Counts of prescriptions, incidents and consults are controlled; every
     * share and rate is recomputed from its rounded numerator and denominator, each of which is a published
     * count on the same row ({@code in_possession_prescriptions} and {@code incidents_high_risk} are published
     * so that their shares can be). {@code consults_attended} is null on {@code no_consult} rows and
     * {@code unlinked_incidents} on every row but {@code ALL}.
     */
    public static final PublishedTable PRESCRIBING_SAFETY = new PublishedTable("prescribing_safety", concat(
            periodAndGeography(), List.of(
                    dimension("modality_group"),
                    count("consults_attended"),
                    count("prescriptions"),
                    rate("prescriptions_per_100_attended", "prescriptions", 100, "consults_attended"),
                    count("controlled_drug_prescriptions"),
                    count("high_risk_prescriptions"),
                    rate("high_risk_share", "high_risk_prescriptions", 1, "prescriptions"),
                    count("in_possession_prescriptions"),
                    rate("in_possession_share", "in_possession_prescriptions", 1, "prescriptions"),
                    count("incidents"),
                    rate("incidents_per_1000_prescriptions", "incidents", 1000, "prescriptions"),
                    count("incidents_moderate_or_worse"),
                    count("incidents_high_risk"),
                    rate("incidents_per_1000_high_risk", "incidents_high_risk", 1000, "high_risk_prescriptions"),
                    count("unlinked_incidents"),
                    count("prescription_issued_mismatch"))));

    /**
     * Version 2: per period x region x site x kind x severity (each with {@code ALL}). Events and sessions are
     * controlled counts and the rate is recomputed from them; connectivity and devices describe a site, not
     * people (null on region and national rows).
     */
    public static final PublishedTable TELEMEDICINE_SECURITY = new PublishedTable("telemedicine_security", concat(
            periodAndGeography(), List.of(
                    dimension("kind"), dimension("severity"),
                    count("events"),
                    count("telemedicine_sessions"),
                    rate("events_per_1000_sessions", "events", 1000, "telemedicine_sessions"),
                    // attributes of the site row, not dimensions of a line: a site's line is its kind x severity, so
                    // that its national total is found (SmallNationalTotals)
                    reference("connectivity", SITE_ATTRIBUTE).typed(StringType),
                    reference("devices", SITE_ATTRIBUTE).typed(StringType))));

    /** The controlled tables, by name, in the order they are published. */
    public static final Map<String, PublishedTable> CONTROLLED = byName(WAITING_TIMES, ACCESS, MHA_TRANSFERS, COSTS,
            COST_EFFECTIVENESS, COST_SENSITIVITY, BUDGET_IMPACT, PRESCRIBING_SAFETY, TELEMEDICINE_SECURITY,
            EQUITY, READINESS, ROLLOUT_IMPACT, DIGITAL_EQUIVALENCE);

    /** Every table under {@code published/}. */
    public static final Map<String, PublishedTable> ALL = byName(WAITING_TIMES, ACCESS, MHA_TRANSFERS, COSTS,
            COST_EFFECTIVENESS, COST_SENSITIVITY, BUDGET_IMPACT, PRESCRIBING_SAFETY, TELEMEDICINE_SECURITY,
            EQUITY, READINESS, ROLLOUT_IMPACT, DIGITAL_EQUIVALENCE, SITES);
}
