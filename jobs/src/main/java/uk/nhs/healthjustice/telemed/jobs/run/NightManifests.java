package uk.nhs.healthjustice.telemed.jobs.run;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import uk.nhs.healthjustice.telemed.pipelines.quality.DataQuality;

/**
 * The run manifests of a run, one per night, assembled from what its steps returned. A pure function: the
 * nightly's steps return immutable results, and the one place that commits the run writes what this gives, so a
 * backfilled night's manifest looks like the same night run alone and a failed run records what it got to.
 */
public final class NightManifests {

    private NightManifests() {
    }

    /** What is known when a run starts. */
    public record Header(String command, String generation, String startedAt, double maxRejectRate,
                         Map<String, String> versions) {
        public Header {
            versions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(versions)); // in the order given
        }
    }

    /** One checked landing file and the night it landed on. */
    public record Input(LocalDate night, RunManifest.InputFile file) {
    }

    /** How the marts were computed: from a first recomputed period, or every period and why. */
    public record MartPeriods(LocalDate from, String fullRebuildReason) {
    }

    /**
     * How the run ended. {@code outputs} are recorded only when it succeeded (they were published);
     * {@code deltaVersions} (Delta table -> the version this run left it at) whatever the status, since a
     * Delta commit is published once made (a run that rejected too many rows still publishes its quarantine).
     */
    public record Ending(String status, String message, String finishedAt, Map<String, Long> stageMillis,
                         List<RunManifest.Output> outputs, Map<String, Long> deltaVersions) {
        public Ending {
            stageMillis = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stageMillis));
            outputs = List.copyOf(outputs);
            deltaVersions = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(deltaVersions));
        }
    }

    /** What the steps returned, as far as the run got (a step that failed returned nothing). */
    public record Steps(List<String> referenceFiles, Map<LocalDate, List<String>> warnings, List<Input> inputs,
                        List<RunManifest.LogCounts> counts, boolean ingestComplete, MartPeriods martPeriods) {
        public Steps {
            referenceFiles = List.copyOf(referenceFiles);
            warnings = Map.copyOf(warnings);
            inputs = List.copyOf(inputs);
            counts = List.copyOf(counts);
        }

        /** Before any step returned. */
        public static Steps none() {
            return new Steps(List.of(), Map.of(), List.of(), List.of(), false, null);
        }
    }

    /** Rows read and rows quarantined on one night, over every log. */
    public record NightTotals(long read, long rejected) {
        /** Rows quarantined over rows read; 0 for a night that read nothing. */
        public double rejectRate() {
            return read == 0 ? 0.0 : (double) rejected / read;
        }
    }

    /** Per night, the rows read and quarantined over every log. Only complete once every log was ingested. */
    public static Map<LocalDate, NightTotals> totals(List<LocalDate> nights, List<RunManifest.LogCounts> counts) {
        Map<LocalDate, NightTotals> out = new TreeMap<>();
        for (LocalDate night : nights) {
            long read = 0;
            long rejected = 0;
            for (RunManifest.LogCounts c : counts) {
                if (c.loadDate().equals(night.toString())) {
                    read += c.rowsRead();
                    rejected += c.rowsQuarantined();
                }
            }
            out.put(night, new NightTotals(read, rejected));
        }
        return out;
    }

    /** Rows quarantined over rows read, per night, over every log ({@link NightTotals#rejectRate}). */
    public static Map<LocalDate, Double> rejectRates(List<LocalDate> nights, List<RunManifest.LogCounts> counts) {
        Map<LocalDate, Double> out = new TreeMap<>();
        totals(nights, counts).forEach((night, t) -> out.put(night, t.rejectRate()));
        return out;
    }

    /** One manifest per night, in night order; each holds that night's inputs, counts and warnings only. */
    public static List<RunManifest> assemble(List<LocalDate> nights, Header header, Steps steps, Ending ending) {
        Map<LocalDate, Double> rates = steps.ingestComplete() ? rejectRates(nights, steps.counts()) : Map.of();
        List<RunManifest> out = new ArrayList<>();
        for (LocalDate night : new java.util.TreeSet<>(nights)) {
            RunManifest m = new RunManifest();
            m.runId = DataQuality.runId(night);
            m.command = header.command();
            m.runDate = night.toString();
            m.startedAt = header.startedAt();
            m.generation = header.generation();
            m.maxRejectRate = header.maxRejectRate();
            m.versions.putAll(header.versions());
            m.referenceFiles.addAll(steps.referenceFiles());
            steps.inputs().stream().filter(i -> i.night().equals(night)).forEach(i -> m.inputs.add(i.file()));
            steps.counts().stream().filter(c -> c.loadDate().equals(night.toString())).forEach(m.counts::add);
            m.rejectRate = rates.get(night);
            if (steps.martPeriods() != null) {
                LocalDate from = steps.martPeriods().from();
                m.martPeriodsFrom = from == null ? null : from.toString();
                m.fullRebuildReason = steps.martPeriods().fullRebuildReason();
            }
            m.warnings.addAll(steps.warnings().getOrDefault(night, List.of()));
            m.status = ending.status();
            m.message = ending.message();
            m.finishedAt = ending.finishedAt();
            m.stageMillis.putAll(ending.stageMillis());
            m.deltaVersions.putAll(ending.deltaVersions());
            if ("succeeded".equals(ending.status())) {
                m.outputs.addAll(ending.outputs());
            }
            out.add(m);
        }
        return out;
    }
}
