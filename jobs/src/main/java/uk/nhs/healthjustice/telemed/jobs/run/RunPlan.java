package uk.nhs.healthjustice.telemed.jobs.run;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import uk.nhs.healthjustice.telemed.jobs.publish.MartState;
import uk.nhs.healthjustice.telemed.pipelines.common.Periods;

/**
 * What a run will do, decided from the previous run's state and the options before any data is read: whether
 * the marts are recomputed for every period (and why), and for which logs the new versions can be merged into
 * the previous curated table alone. Pure: no Spark, no files, so every decision has a unit test
 * ({@code RunPlanTest}). The one decision that needs data, the first recomputed quarter, takes the earliest
 * days the night's changes reach (computed by {@code ChangedPeriods}) and stays here too.
 *
 * @param from               first night of the run
 * @param to                 last night of the run
 * @param fullRebuildReason  why every period of every mart is recomputed, or null when only the periods the
 *                           run's changes reach are
 * @param lastRunDate        the run date the previous marts were computed for (null on a first run)
 * @param onPreviousCurated  logs whose earlier nights are all before {@code from}: their new versions merge
 *                           into the previous curated newest versions (the usual nightly); other logs rebuild
 *                           their curated table from every kept version outside the run's nights
 */
public record RunPlan(LocalDate from, LocalDate to, String fullRebuildReason, LocalDate lastRunDate,
                      Set<String> onPreviousCurated) {

    /** The reasons for a full rebuild, as written in the run manifest's {@code fullRebuildReason}. */
    public static final String ASKED = "--full-rebuild";
    public static final String FIRST_RUN = "first run";
    public static final String NO_MART_STATE = "the previous generation records no mart state";
    public static final String INPUTS_CHANGED = "the reference files or the pipeline version changed";

    public RunPlan {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("Cannot plan a run whose last night " + to + " is before its first " + from);
        }
        if (fullRebuildReason == null && lastRunDate == null) {
            throw new IllegalArgumentException("Cannot carry periods over without the previous run date");
        }
        onPreviousCurated = Set.copyOf(onPreviousCurated);
    }

    /**
     * What the previous run left: whether a published generation exists, the state its marts record (null if
     * none), and per log the nights whose valid versions its history keeps.
     */
    public record PreviousState(boolean published, MartState martState, Map<String, NavigableSet<LocalDate>> nights) {
        public static PreviousState none() {
            return new PreviousState(false, null, Map.of());
        }
    }

    /**
     * Plans the nights {@code from..to} over {@code previous}.
     *
     * @param fingerprint  this run's fingerprint of the reference files and pipeline version
     *                     ({@link MartState#fingerprint})
     * @param fullRebuild  whether the operator asked for {@code --full-rebuild}
     * @param logs         every log of the contract
     */
    public static RunPlan of(LocalDate from, LocalDate to, PreviousState previous, String fingerprint,
                             boolean fullRebuild, Iterable<String> logs) {
        MartState prior = previous.martState();
        String reason = fullRebuildReason(from, previous, fingerprint, fullRebuild);
        Set<String> onPrevious = new TreeSet<>();
        for (String log : logs) {
            NavigableSet<LocalDate> kept = previous.nights().getOrDefault(log, new TreeSet<>());
            if (kept.isEmpty() || kept.last().isBefore(from)) {
                onPrevious.add(log);
            }
        }
        LocalDate lastRun = prior == null ? null : LocalDate.parse(prior.runDate());
        return new RunPlan(from, to, reason, lastRun, onPrevious);
    }

    /**
     * Why every period is recomputed, or null when the run may recompute only the periods its changes reach:
     * the previous generation's marts must exist, come from the same reference files and pipeline version,
     * and end before this run's nights (a rerun or a backfill inside history recomputes all).
     */
    static String fullRebuildReason(LocalDate from, PreviousState previous, String fingerprint, boolean asked) {
        if (asked) {
            return ASKED;
        }
        if (!previous.published()) {
            return FIRST_RUN;
        }
        MartState prior = previous.martState();
        if (prior == null) {
            return NO_MART_STATE;
        }
        if (!prior.fingerprint().equals(fingerprint)) {
            return INPUTS_CHANGED;
        }
        if (!LocalDate.parse(prior.runDate()).isBefore(from)) {
            return "nights on or before the last run date " + prior.runDate() + " are run again";
        }
        return null;
    }

    /**
     * The optional logs with at least one valid row in a history index (log, then night, then where that night's
     * valid rows are kept; a night is indexed only when it had one). The marts read the others as never delivered.
     */
    public static Set<String> optionalLogsWithRows(Map<String, ? extends Map<LocalDate, ?>> index,
                                                   Iterable<String> optionalLogs) {
        Set<String> out = new TreeSet<>();
        for (String log : optionalLogs) {
            Map<LocalDate, ?> nights = index.get(log);
            if (nights != null && !nights.isEmpty()) {
                out.add(log);
            }
        }
        return out;
    }

    /**
     * Why the marts are recomputed for every period, known once the night's rows are ingested: this plan's own
     * reason first; else an optional log delivered for the first time (or no longer), which turns its marts from
     * empty, or their columns from unknown, in every period and not only those its rows reach; else a period
     * mart the previous generation does not have (written by an older version: no earlier periods to carry
     * over). Null when the run recomputes only the periods its changes reach.
     *
     * @param optionalBefore     {@link #optionalLogsWithRows} of the previous generation's history
     * @param optionalNow        the same after this run's nights
     * @param periodMarts        the marts recomputed from a quarter on, in the order to check them
     * @param previousHasMart    whether the previous generation has a given period mart
     */
    public String martsRebuildReason(Set<String> optionalBefore, Set<String> optionalNow, List<String> periodMarts,
                                     java.util.function.Predicate<String> previousHasMart) {
        if (fullRebuildReason != null) {
            return fullRebuildReason;
        }
        if (!optionalBefore.equals(optionalNow)) {
            return "optional logs with rows changed from " + new TreeSet<>(optionalBefore) + " to "
                    + new TreeSet<>(optionalNow);
        }
        for (String mart : periodMarts) {
            if (!previousHasMart.test(mart)) {
                return "the previous generation has no " + mart + " mart";
            }
        }
        return null;
    }

    public boolean incremental() {
        return fullRebuildReason == null;
    }

    /** Whether the log's new versions merge into the previous curated table (see {@link #onPreviousCurated}). */
    public boolean mergesIntoPreviousCurated(String log) {
        return onPreviousCurated.contains(log);
    }

    /**
     * The first day of the first quarter an incremental run recomputes: the quarter of the earliest day its
     * changes reach (one per kind of change; any may be null: nothing changed there) or of the last run date (the
     * periods after it are new), whichever is earlier. Every earlier period is carried over unchanged.
     */
    public LocalDate firstRecomputedPeriod(LocalDate... reaches) {
        if (!incremental()) {
            throw new IllegalStateException("Cannot carry periods over in a full rebuild (" + fullRebuildReason + ")");
        }
        return Periods.quarterStartOf(Stream.concat(java.util.Arrays.stream(reaches), Stream.of(lastRunDate))
                .filter(Objects::nonNull).min(LocalDate::compareTo).orElseThrow());
    }
}
