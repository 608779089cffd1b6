package uk.nhs.healthjustice.telemed.schemas;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One entry of {@code reference/costs.json}: a unit cost in pounds, valid from a date (inclusive) until an
 * optional date (inclusive). A consult is costed with the entry valid on its London date.
 */
public record UnitCost(String name, double valueGbp, String unit, LocalDate validFrom, LocalDate validTo, String source) {

    public static final String ESCORT_OFFICER_HOUR = "escort_officer_hour";
    public static final String ESCORT_VEHICLE_TRIP = "escort_vehicle_trip";
    public static final String CLINICIAN_HOUR = "clinician_hour.";
    public static final String TELEMEDICINE_PER_CONSULT = "telemedicine_per_consult";
    public static final String TELEMEDICINE_SITE_MONTH = "telemedicine_site_month";

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
            if (!(c.valueGbp() >= 0) || Double.isInfinite(c.valueGbp())) {
                problems.add(where + ": value_gbp " + c.valueGbp() + " is negative or not a number");
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
