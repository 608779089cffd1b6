package uk.nhs.healthjustice.telemed.schemas;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One entry of {@code reference/costs.json}: a unit cost in pounds, valid from a date (inclusive) until an
 * optional date (inclusive). A consult is costed with the entry valid on its London date. The value is an
 * exact decimal (null when missing or not a number) with at most {@link #SCALE} decimal places: money is never
 * floating point.
 */
public record UnitCost(String name, BigDecimal valueGbp, String unit, LocalDate validFrom, LocalDate validTo, String source) {

    public static final String ESCORT_OFFICER_HOUR = "escort_officer_hour";
    public static final String ESCORT_VEHICLE_TRIP = "escort_vehicle_trip";
    public static final String CLINICIAN_HOUR = "clinician_hour.";
    public static final String TELEMEDICINE_PER_CONSULT = "telemedicine_per_consult";
    public static final String TELEMEDICINE_SITE_MONTH = "telemedicine_site_month";

    /** Decimal places a unit cost may have (the pipeline holds unit costs as {@code DECIMAL(18,4)}). */
    public static final int SCALE = 4;

    /** Every name the pipeline needs; others are kept and ignored. */
    public static List<String> requiredNames() {
        List<String> names = new ArrayList<>(List.of(ESCORT_OFFICER_HOUR, ESCORT_VEHICLE_TRIP,
                TELEMEDICINE_PER_CONSULT, TELEMEDICINE_SITE_MONTH));
        for (String role : Contracts.CLINICIAN_ROLES) {
            names.add(CLINICIAN_HOUR + role);
        }
        return names;
    }

    /**
     * Checks a cost model and returns the problems in words (empty when it is usable): a required name
     * missing, a negative value, a validity period that ends before it starts, two periods of one name that
     * overlap, a missing field.
     */
    public static List<String> problems(List<UnitCost> costs) {
        List<String> problems = new ArrayList<>();
        Map<String, List<UnitCost>> byName = new TreeMap<>();
        for (int i = 0; i < costs.size(); i++) {
            UnitCost c = costs.get(i);
            String where = "entry " + (i + 1) + (c.name() == null ? "" : " (" + c.name() + ")");
            if (c.name() == null || c.name().isBlank()) {
                problems.add(where + ": name is missing");
                continue;
            }
            if (c.validFrom() == null) {
                problems.add(where + ": valid_from is missing");
                continue;
            }
            if (c.valueGbp() == null) {
                problems.add(where + ": value_gbp is missing or not a number");
            } else if (c.valueGbp().signum() < 0) {
                problems.add(where + ": value_gbp " + c.valueGbp().toPlainString() + " is negative");
            } else if (c.valueGbp().stripTrailingZeros().scale() > SCALE
                    || c.valueGbp().precision() - c.valueGbp().scale() > 18 - SCALE) {
                problems.add(where + ": value_gbp " + c.valueGbp().toPlainString() + " has more than " + SCALE
                        + " decimal places or is too large");
            }
            if (c.validTo() != null && c.validTo().isBefore(c.validFrom())) {
                problems.add(where + ": valid_to " + c.validTo() + " is before valid_from " + c.validFrom());
            }
            byName.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(c);
        }
        for (String required : requiredNames()) {
            if (!byName.containsKey(required)) {
                problems.add("missing cost name " + required);
            }
        }
        for (Map.Entry<String, List<UnitCost>> e : byName.entrySet()) {
            List<UnitCost> periods = new ArrayList<>(e.getValue());
            periods.sort(Comparator.comparing(UnitCost::validFrom));
            for (int i = 1; i < periods.size(); i++) {
                UnitCost before = periods.get(i - 1);
                UnitCost after = periods.get(i);
                if (before.validTo() == null || !before.validTo().isBefore(after.validFrom())) {
                    problems.add(e.getKey() + ": validity periods overlap (" + before.validFrom() + ".."
                            + (before.validTo() == null ? "open" : before.validTo()) + " and from " + after.validFrom() + ")");
                }
            }
        }
        return problems;
    }
}
