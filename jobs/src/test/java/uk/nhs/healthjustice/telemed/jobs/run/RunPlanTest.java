package uk.nhs.healthjustice.telemed.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.jobs.publish.MartState;

/**
 * Every rebuild reason and the first recomputed quarter, on hand-made previous states (no Spark, no files).
 * The previous run in most cases: marts computed for run date 2026-08-14 with fingerprint "f1", consults
 * delivered on 2026-08-13 and 2026-08-14, referrals on 2026-08-10.
 */
class RunPlanTest {

    private static final List<String> LOGS = List.of("consults", "referrals", "mha_assessments");
    private static final LocalDate AUG_15 = LocalDate.parse("2026-08-15");

    private static NavigableSet<LocalDate> nights(String... days) {
        TreeSet<LocalDate> s = new TreeSet<>();
        for (String d : days) {
            s.add(LocalDate.parse(d));
        }
        return s;
    }

    private static RunPlan.PreviousState previous(MartState state) {
        return new RunPlan.PreviousState(true, state, Map.of(
                "consults", nights("2026-08-13", "2026-08-14"),
                "referrals", nights("2026-08-10")));
    }

    private static final MartState AUG_14_F1 = new MartState("2026-08-14", "f1");

    private static RunPlan plan(LocalDate from, LocalDate to, RunPlan.PreviousState previous, String fingerprint,
                                boolean asked) {
        return RunPlan.of(from, to, previous, fingerprint, asked, LOGS);
    }

    @Test
    void theUsualNightIsIncrementalAndMergesEveryLogIntoThePreviousCuratedTable() {
        RunPlan p = plan(AUG_15, AUG_15, previous(AUG_14_F1), "f1", false);
        assertTrue(p.incremental());
        assertNull(p.fullRebuildReason());
        assertEquals(LocalDate.parse("2026-08-14"), p.lastRunDate());
        for (String log : LOGS) {
            assertTrue(p.mergesIntoPreviousCurated(log), log);
        }
    }

    @Test
    void askingForAFullRebuildWinsOverEveryOtherReason() {
        assertEquals(RunPlan.ASKED, plan(AUG_15, AUG_15, previous(AUG_14_F1), "f1", true).fullRebuildReason());
        assertEquals(RunPlan.ASKED, plan(AUG_15, AUG_15, RunPlan.PreviousState.none(), "f1", true).fullRebuildReason());
    }

    @Test
    void aFirstRunRebuildsAndHasNoPreviousCuratedToReadBeyondAnEmptyOne() {
        RunPlan p = plan(AUG_15, AUG_15, RunPlan.PreviousState.none(), "f1", false);
        assertEquals(RunPlan.FIRST_RUN, p.fullRebuildReason());
        assertNull(p.lastRunDate());
        assertFalse(p.incremental());
    }

    @Test
    void aPreviousGenerationWithoutMartStateRebuilds() {
        assertEquals(RunPlan.NO_MART_STATE, plan(AUG_15, AUG_15, previous(null), "f1", false).fullRebuildReason());
    }

    @Test
    void changedReferenceFilesOrPipelineVersionRebuild() {
        assertEquals(RunPlan.INPUTS_CHANGED, plan(AUG_15, AUG_15, previous(AUG_14_F1), "f2", false).fullRebuildReason());
    }

    /** Rerunning 2026-08-14 (the last run date) or a backfill from 2026-08-01 reaches into the marts' past. */
    @Test
    void nightsOnOrBeforeTheLastRunDateRebuild() {
        RunPlan rerun = plan(LocalDate.parse("2026-08-14"), LocalDate.parse("2026-08-14"), previous(AUG_14_F1), "f1", false);
        assertEquals("nights on or before the last run date 2026-08-14 are run again", rerun.fullRebuildReason());
        // the consults of 2026-08-14 are among the run's nights: their curated table is rebuilt from history
        assertFalse(rerun.mergesIntoPreviousCurated("consults"));
        // referrals last came on 2026-08-10, before the rerun night: merging into the previous table is exact
        assertTrue(rerun.mergesIntoPreviousCurated("referrals"));

        RunPlan backfill = plan(LocalDate.parse("2026-08-01"), AUG_15, previous(AUG_14_F1), "f1", false);
        assertTrue(backfill.fullRebuildReason().contains("2026-08-14"));
        assertFalse(backfill.mergesIntoPreviousCurated("referrals"), "2026-08-10 is inside 2026-08-01..15");
        assertTrue(backfill.mergesIntoPreviousCurated("mha_assessments"), "never delivered");
    }

    /**
     * Last run 2026-08-14 (2026-27 Q2 starts 2026-07-01). Nothing reached back: from Q2. A consult changed on
     * 2026-05-20: from Q1 (2026-04-01). A referral changed on 2026-03-31 (the last day of 2025-26 Q4) beside a
     * consult on 2026-06-30: from 2026-01-01. A change after the last run date does not move it past Q2.
     */
    @Test
    void theFirstRecomputedQuarterIsThatOfTheEarliestDayTheChangesReach() {
        RunPlan p = plan(AUG_15, AUG_15, previous(AUG_14_F1), "f1", false);
        assertEquals(LocalDate.parse("2026-07-01"), p.firstRecomputedPeriod(null, null));
        assertEquals(LocalDate.parse("2026-04-01"), p.firstRecomputedPeriod(LocalDate.parse("2026-05-20"), null));
        assertEquals(LocalDate.parse("2026-01-01"),
                p.firstRecomputedPeriod(LocalDate.parse("2026-06-30"), LocalDate.parse("2026-03-31")));
        assertEquals(LocalDate.parse("2026-07-01"), p.firstRecomputedPeriod(LocalDate.parse("2026-08-15"), null));
    }

    @Test
    void aFullRebuildHasNoFirstRecomputedQuarterAndBadRangesAreRefused() {
        RunPlan p = plan(AUG_15, AUG_15, RunPlan.PreviousState.none(), "f1", false);
        assertThrows(IllegalStateException.class, () -> p.firstRecomputedPeriod(null, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> plan(AUG_15, LocalDate.parse("2026-08-14"), previous(AUG_14_F1), "f1", false));
        assertTrue(e.getMessage().startsWith("Cannot plan"));
    }

    /*
     * After ingest. Period marts "waiting_times" and "access". The usual night, nothing else changed: null.
     * Prescriptions delivered for the first time: their marts change in every period. The previous generation
     * written without "access": nothing to carry over. The plan's own reason comes first.
     */
    @Test
    void afterIngestOptionalLogsDeliveredOrAPeriodMartMissingRebuild() {
        RunPlan usual = plan(AUG_15, AUG_15, previous(AUG_14_F1), "f1", false);
        List<String> marts = List.of("waiting_times", "access");
        assertNull(usual.martsRebuildReason(java.util.Set.of(), java.util.Set.of(), marts, m -> true));
        assertNull(usual.martsRebuildReason(java.util.Set.of("patients"), java.util.Set.of("patients"), marts,
                m -> true));
        assertEquals("optional logs with rows changed from [] to [prescriptions]", usual.martsRebuildReason(
                java.util.Set.of(), java.util.Set.of("prescriptions"), marts, m -> true));
        assertEquals("optional logs with rows changed from [patients, prescriptions] to [patients]",
                usual.martsRebuildReason(java.util.Set.of("prescriptions", "patients"), java.util.Set.of("patients"),
                        marts, m -> true));
        assertEquals("the previous generation has no access mart", usual.martsRebuildReason(java.util.Set.of(),
                java.util.Set.of(), marts, m -> !m.equals("access")));
        assertEquals("optional logs with rows changed from [] to [patients]", usual.martsRebuildReason(
                java.util.Set.of(), java.util.Set.of("patients"), marts, m -> false), "delivery is checked first");
        RunPlan asked = plan(AUG_15, AUG_15, previous(AUG_14_F1), "f1", true);
        assertEquals(RunPlan.ASKED, asked.martsRebuildReason(java.util.Set.of(), java.util.Set.of("patients"), marts,
                m -> false));
    }

    /** A log counts as delivered when its index has a night; an empty index entry or none is not. */
    @Test
    void optionalLogsWithRowsAreThoseWithAnIndexedNight() {
        Map<String, Map<LocalDate, String>> index = Map.of(
                "consults", Map.of(AUG_15, "h/c"),
                "patients", Map.of(AUG_15, "h/p"),
                "prescriptions", Map.of());
        assertEquals(java.util.Set.of("patients"), RunPlan.optionalLogsWithRows(index,
                List.of("patients", "prescriptions", "security_events")));
    }
}
