package uk.nhs.healthjustice.telemed.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The manifests of a two-night backfill, assembled from hand-made step results. No Spark. */
class NightManifestsTest {

    private static final LocalDate FIRST = LocalDate.parse("2026-03-30");
    private static final LocalDate SECOND = LocalDate.parse("2026-03-31");
    private static final List<LocalDate> NIGHTS = List.of(FIRST, SECOND);

    private static NightManifests.Header header() {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("telemed", "t");
        versions.put("spark", "s");
        versions.put("java", "j");
        return new NightManifests.Header("backfill 2026-03-30..2026-03-31", "g1", "2026-12-02T00:00:00Z", 0.05,
                versions);
    }

    private static RunManifest.InputFile file(String log, String name) {
        return new RunManifest.InputFile(log, name, "csv", 100, 11, List.of());
    }

    /*
     * Night 1: consults read 10, quarantined 1; referrals read 30, quarantined 2 -> 3 of 40 = 0.075.
     * Night 2: consults read 8, quarantined 0; referrals read nothing that night -> 0 of 8 = 0.
     */
    private static final List<RunManifest.LogCounts> COUNTS = List.of(
            new RunManifest.LogCounts("consults", "2026-03-30", 10, 8, 1, 1, true, Map.of("bad_date", 1L)),
            new RunManifest.LogCounts("consults", "2026-03-31", 8, 8, 0, 0, true, Map.of()),
            new RunManifest.LogCounts("referrals", "2026-03-30", 30, 28, 2, 0, true, Map.of("bad_nhs", 2L)));

    private static NightManifests.Steps steps(boolean ingestComplete, NightManifests.MartPeriods periods) {
        return new NightManifests.Steps(List.of("ref/sites.csv"), Map.of(SECOND, List.of("no landing folder")),
                List.of(new NightManifests.Input(FIRST, file("consults", "c1.csv")),
                        new NightManifests.Input(SECOND, file("consults", "c2.csv")),
                        new NightManifests.Input(FIRST, file("referrals", "r1.csv"))),
                COUNTS, ingestComplete, periods);
    }

    private static final List<RunManifest.Output> OUTPUTS = List.of(new RunManifest.Output("marts/access", "o", 7));
    private static final Map<String, Long> QUARANTINE = Map.of("quarantine/consults", 4L, "quarantine/referrals", 2L);

    @Test
    void rejectRatesArePerNightOverEveryLog() {
        Map<LocalDate, Double> rates = NightManifests.rejectRates(NIGHTS, COUNTS);
        assertEquals(0.075, rates.get(FIRST), 1e-12);
        assertEquals(0.0, rates.get(SECOND), 1e-12);
        Map<LocalDate, NightManifests.NightTotals> totals = NightManifests.totals(NIGHTS, COUNTS);
        assertEquals(new NightManifests.NightTotals(40, 3), totals.get(FIRST));
        assertEquals(new NightManifests.NightTotals(8, 0), totals.get(SECOND));
        assertEquals(0.0, NightManifests.rejectRates(List.of(LocalDate.parse("2026-04-01")), COUNTS)
                .get(LocalDate.parse("2026-04-01")), 1e-12, "a night that read nothing rejected nothing");
    }

    @Test
    void eachNightHoldsOnlyItsOwnInputsCountsAndWarnings() {
        List<RunManifest> ms = NightManifests.assemble(List.of(SECOND, FIRST), header(),
                steps(true, new NightManifests.MartPeriods(LocalDate.parse("2026-01-01"), null)),
                new NightManifests.Ending("succeeded", null, "2026-12-02T00:01:00Z", Map.of("reference", 5L), OUTPUTS,
                        QUARANTINE));
        assertEquals(2, ms.size());
        RunManifest first = ms.get(0);
        RunManifest second = ms.get(1);
        assertEquals("nightly-2026-03-30", first.runId, "in night order whatever the order given");
        assertEquals("nightly-2026-03-31", second.runId);
        assertEquals(List.of("c1.csv", "r1.csv"), first.inputs.stream().map(RunManifest.InputFile::file).toList());
        assertEquals(List.of("c2.csv"), second.inputs.stream().map(RunManifest.InputFile::file).toList());
        assertEquals(List.of("consults", "referrals"), first.counts.stream().map(RunManifest.LogCounts::log).toList());
        assertEquals(1, second.counts.size());
        assertEquals(0.075, first.rejectRate, 1e-12);
        assertEquals(0.0, second.rejectRate, 1e-12);
        assertEquals(List.of(), first.warnings);
        assertEquals(List.of("no landing folder"), second.warnings);
        assertEquals("2026-01-01", first.martPeriodsFrom);
        assertNull(first.fullRebuildReason);
        for (RunManifest m : ms) {
            assertEquals("g1", m.generation);
            assertEquals("backfill 2026-03-30..2026-03-31", m.command);
            assertEquals(List.of("telemed", "spark", "java"), List.copyOf(m.versions.keySet()));
            assertEquals(List.of("ref/sites.csv"), m.referenceFiles);
            assertEquals(0.05, m.maxRejectRate, 1e-12);
            assertEquals("succeeded", m.status);
            assertEquals(Map.of("reference", 5L), m.stageMillis);
            assertEquals(OUTPUTS, m.outputs, "a published run lists what it wrote");
            assertEquals(QUARANTINE, m.deltaVersions);
        }
    }

    @Test
    void aFailedRunRecordsWhatItGotToAndNoOutputs() {
        // failed in the middle of ingest: counts so far, no reject rate (not every log was read), no mart plan
        List<RunManifest> ms = NightManifests.assemble(NIGHTS, header(), steps(false, null),
                new NightManifests.Ending("failed", "run failed in stage 'validate consults'", "t", Map.of(), OUTPUTS,
                        Map.of()));
        for (RunManifest m : ms) {
            assertEquals("failed", m.status);
            assertEquals("run failed in stage 'validate consults'", m.message);
            assertNull(m.rejectRate);
            assertNull(m.martPeriodsFrom);
            assertNull(m.fullRebuildReason);
            assertTrue(m.outputs.isEmpty(), "nothing was published");
            assertTrue(m.deltaVersions.isEmpty(), "nor committed");
        }
        assertEquals(2, ms.get(0).inputs.size());
    }

    @Test
    void aFullRebuildRecordsWhyAndNoFirstPeriod() {
        List<RunManifest> ms = NightManifests.assemble(List.of(FIRST), header(),
                steps(true, new NightManifests.MartPeriods(null, "--full-rebuild")),
                new NightManifests.Ending("quality_threshold_breached", "m", "t", Map.of(), OUTPUTS, QUARANTINE));
        assertNull(ms.get(0).martPeriodsFrom);
        assertEquals("--full-rebuild", ms.get(0).fullRebuildReason);
        assertEquals(0.075, ms.get(0).rejectRate, 1e-12, "a breached threshold still shows the rate that broke it");
        assertTrue(ms.get(0).outputs.isEmpty());
        assertEquals(QUARANTINE, ms.get(0).deltaVersions, "its quarantine was committed, for the data supplier");
    }
}
