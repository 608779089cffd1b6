package uk.nhs.healthjustice.telemed.pipelines.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.pipelines.common.KaplanMeier.Fraction;
import uk.nhs.healthjustice.telemed.pipelines.common.KaplanMeier.Step;

/**
 * The Kaplan-Meier estimator worked by hand. Six MHA cases (days from referral; e = transfer, c = censored):
 * 16c, 20e, 29c, 36e, 40e, 76c.
 * <pre>
 * day 20: at risk 5 (20, 29, 36, 40, 76), 1 event: S = 4/5
 * day 29: censored only, not a step; at risk afterwards 3
 * day 36: at risk 3 (36, 40, 76), 1 event:     S = 4/5 x 2/3 = 8/15 (0.533 > 1/2)
 * day 40: at risk 2 (40, 76), 1 event:         S = 8/15 x 1/2 = 4/15 (<= 1/2) -> median 40
 * </pre>
 * The median of the transferred cases alone (20, 36, 40) would be 36: leaving censored cases out biases it
 * towards short waits.
 */
class KaplanMeierTest {

    private static Fraction f(long num, long den) {
        return new Fraction(BigInteger.valueOf(num), BigInteger.valueOf(den));
    }

    @Test
    void survivalCurveAndMedianWithCensoring() {
        List<Step> steps = List.of(new Step(76, 0, 1), new Step(16, 0, 1), new Step(20, 1, 0), new Step(29, 0, 1),
                new Step(36, 1, 0), new Step(40, 1, 0));
        Map<Integer, Fraction> want = new LinkedHashMap<>();
        want.put(20, f(4, 5));
        want.put(36, f(8, 15));
        want.put(40, f(4, 15));
        assertEquals(want, KaplanMeier.curve(steps));
        assertEquals(40, KaplanMeier.median(steps));
        // the same counts split over two steps of one day give the same curve
        List<Step> split = List.of(new Step(16, 0, 1), new Step(20, 1, 0), new Step(29, 0, 1), new Step(36, 1, 0),
                new Step(40, 1, 0), new Step(76, 0, 1), new Step(40, 0, 0));
        assertEquals(want, KaplanMeier.curve(split));
    }

    /** Exactly 1/2 is the median: 36e, 40e gives S(36) = 1 x 1/2 = 1/2 -> median 36 (exact, no rounding). */
    @Test
    void survivalOfExactlyOneHalfIsTheMedian() {
        assertEquals(36, KaplanMeier.median(List.of(new Step(36, 1, 0), new Step(40, 1, 0))));
        // thirds: 3 cases, events on 5, 6, 7: S = 2/3, 1/3 -> median 6
        assertEquals(6, KaplanMeier.median(List.of(new Step(5, 1, 0), new Step(6, 1, 0), new Step(7, 1, 0))));
    }

    /**
     * Never reaching 1/2: 10e, 10c, 25c, 46c, 48c. Day 10: at risk 5 (the case censored on day 10 is still at
     * risk on it), 1 event: S = 4/5; no later event, so the curve stays at 4/5 and the median is null.
     * And a tie: one event and one censoring on day 10 alone: at risk 2, S = 1/2 -> median 10 (were the
     * censored case not at risk, S would be 0 and still 10; with two censored it is 2/3 -> null).
     */
    @Test
    void nullWhenTheCurveNeverFallsToOneHalf() {
        List<Step> steps = List.of(new Step(10, 1, 1), new Step(25, 0, 1), new Step(46, 0, 1), new Step(48, 0, 1));
        assertEquals(Map.of(10, f(4, 5)), KaplanMeier.curve(steps));
        assertNull(KaplanMeier.median(steps));
        assertEquals(10, KaplanMeier.median(List.of(new Step(10, 1, 1))));
        assertNull(KaplanMeier.median(List.of(new Step(10, 1, 2))));
        assertNull(KaplanMeier.median(List.of(new Step(3, 0, 4))));
        assertNull(KaplanMeier.median(List.of()));
    }
}
