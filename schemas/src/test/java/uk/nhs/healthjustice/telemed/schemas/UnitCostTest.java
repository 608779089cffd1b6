package uk.nhs.healthjustice.telemed.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnitCostTest {

    static List<UnitCost> complete() {
        List<UnitCost> costs = new ArrayList<>();
        for (String name : UnitCost.requiredNames()) {
            costs.add(new UnitCost(name, new BigDecimal("10"), "per hour", LocalDate.parse("2024-04-01"), null, "test"));
        }
        return costs;
    }

    @Test
    void aCompleteModelHasNoProblems() {
        assertEquals(List.of(), UnitCost.problems(complete()));
    }

    @Test
    void namesAMissingCostANegativeValueAndOverlaps() {
        List<UnitCost> costs = complete();
        costs.removeIf(c -> c.name().equals("clinician_hour.gp"));
        costs.add(new UnitCost("escort_vehicle_trip", new BigDecimal("-5"), "per trip", LocalDate.parse("2023-01-01"),
                LocalDate.parse("2023-12-31"), "test"));
        costs.add(new UnitCost("escort_officer_hour", new BigDecimal("12"), "per hour", LocalDate.parse("2025-11-01"), null, "test"));
        costs.add(new UnitCost("unknown_name", new BigDecimal("1"), "x", LocalDate.parse("2025-11-01"), LocalDate.parse("2025-10-01"), "test"));
        List<String> problems = UnitCost.problems(costs);
        assertTrue(problems.contains("missing cost name clinician_hour.gp"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("escort_vehicle_trip") && p.contains("negative")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("escort_officer_hour: validity periods overlap")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("valid_to 2025-10-01 is before valid_from")), problems.toString());
        assertEquals(4, problems.size(), problems.toString());
    }

    @Test
    void consecutivePeriodsDoNotOverlap() {
        List<UnitCost> costs = complete();
        costs.removeIf(c -> c.name().equals("escort_officer_hour"));
        costs.add(new UnitCost("escort_officer_hour", new BigDecimal("30"), "h", LocalDate.parse("2024-04-01"), LocalDate.parse("2025-10-31"), "t"));
        costs.add(new UnitCost("escort_officer_hour", new BigDecimal("32.5"), "h", LocalDate.parse("2025-11-01"), null, "t"));
        assertEquals(List.of(), UnitCost.problems(costs));
    }
}
