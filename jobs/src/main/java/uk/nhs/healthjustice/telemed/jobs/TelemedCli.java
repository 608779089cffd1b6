package uk.nhs.healthjustice.telemed.jobs;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import uk.nhs.healthjustice.telemed.jobs.run.Failures;
import uk.nhs.healthjustice.telemed.jobs.run.OutputLock;
import uk.nhs.healthjustice.telemed.jobs.run.PseudonymisationKey;
import uk.nhs.healthjustice.telemed.jobs.run.RunManifest;
import uk.nhs.healthjustice.telemed.jobs.run.SparkSessions;

/** The one command line: {@code java -jar telemed.jar <command> --help}. */
@Command(name = "telemed", mixinStandardHelpOptions = true, version = "telemed 0.1.0",
        description = "Prison telemedicine evaluation pipeline: nightly Spark jobs from landed logs to Parquet marts.",
        subcommands = {TelemedCli.Nightly.class, TelemedCli.Backfill.class, GenerateCommand.class, DemoCommand.class, DashboardCommand.class, ReportCommand.class, QueryCommand.class, ExportCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class TelemedCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Where a failing command's debug log goes (its output folder's runs/), set by the command. */
    static volatile Path debugDir;

    /** Runs the CLI and returns the exit code (see {@link ExitCodes}); never calls System.exit. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new TelemedCli());
        cli.setParameterExceptionHandler(TelemedCli::badArguments);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> failure(e));
        debugDir = null;
        try {
            return cli.execute(args);
        } catch (Error e) { // picocli passes Errors through (e.g. Hadoop's FSError on a full disk)
            return failure(e);
        }
    }

    /** One {@code telemed:} line per failure; stack traces only in the debug log. */
    static int failure(Throwable e) {
        PrintStream err = System.err;
        if (e instanceof InputError) {
            err.println("telemed: " + e.getMessage());
            err.println("telemed: nothing of this run was published");
            return ExitCodes.UNREADABLE_INPUT;
        }
        if (e instanceof QualityThresholdBreached) {
            err.println("telemed: " + e.getMessage());
            return ExitCodes.QUALITY_THRESHOLD_BREACHED;
        }
        if (e instanceof OutputLock.Held) {
            err.println("telemed: " + e.getMessage());
            return ExitCodes.OUTPUT_LOCKED;
        }
        if (e instanceof IllegalArgumentException) {
            err.println("telemed: " + e.getMessage());
            return ExitCodes.BAD_ARGUMENTS;
        }
        String line = e instanceof RunFailure ? e.getMessage()
                : (Failures.isIo(e) ? "input/output failure: " : "internal failure: ") + Failures.cause(e);
        err.println("telemed: " + line);
        Path log = Failures.writeDebugLog(e, debugDir);
        err.println("telemed: " + (log == null ? "no debug log could be written" : "stack trace in " + log));
        return ExitCodes.INTERNAL_FAILURE;
    }

    /**
     * Bad arguments, reported without the values given: an unknown option's value may be a secret typed in
     * the wrong place, so only option names are echoed.
     */
    static int badArguments(CommandLine.ParameterException ex, String[] args) {
        PrintStream err = System.err;
        if (ex instanceof CommandLine.UnmatchedArgumentException u) {
            List<String> names = new java.util.ArrayList<>();
            boolean previousWasOption = false;
            for (String a : u.getUnmatched()) {
                boolean option = a.matches("--?[A-Za-z][A-Za-z0-9-]*(=.*)?") && !previousWasOption;
                if (option) {
                    names.add(a.contains("=") ? a.substring(0, a.indexOf('=')) : a);
                }
                previousWasOption = option && !a.contains("=");
            }
            err.println("telemed: " + (names.isEmpty() ? "unexpected argument(s)"
                    : "unknown option(s) " + String.join(", ", names)) + " (values not shown)");
        } else if (ex.getArgSpec() instanceof CommandLine.Model.OptionSpec o && ex.getMessage() != null
                && ex.getMessage().startsWith("Invalid value")) {
            err.println("telemed: invalid value for option " + o.longestName() + " (value not shown; expected "
                    + o.paramLabel() + ")");
        } else if (ex.getMessage() != null && ex.getMessage().startsWith("Invalid value")) {
            err.println("telemed: invalid value (not shown)");
        } else {
            err.println("telemed: " + ex.getMessage());
        }
        err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
        return ExitCodes.BAD_ARGUMENTS;
    }

    /**
     * Run-date checks shared by nightly and backfill: a last night later than tomorrow in Europe/London is
     * refused (a typo, or a scheduler clock gone wrong) unless explicitly allowed.
     */
    static void checkRunDates(LocalDate from, LocalDate to, boolean allowFuture, String option) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("Invalid range: --to " + to + " is before --from " + from);
        }
        LocalDate tomorrow = LocalDate.now(LONDON).plusDays(1);
        if (to.isAfter(tomorrow) && !allowFuture) {
            throw new IllegalArgumentException("Refused " + option + " " + to + ": later than tomorrow (" + tomorrow
                    + " in Europe/London). Pass --allow-future-run-date if it is meant");
        }
    }

    static final java.time.ZoneId LONDON = java.time.ZoneId.of("Europe/London");

    /** Options shared by the commands that run Spark. */
    static class SparkOptions {
        @Option(names = "--master", description = "Spark master (default: local[2], or what spark-submit set)")
        String master;

        @Option(names = "--shuffle-partitions", defaultValue = "4",
                description = "Spark shuffle partitions (default: ${DEFAULT-VALUE}; the nightly data is small)")
        int shufflePartitions;

        SparkSession session() {
            return SparkSessions.getOrCreate(master, shufflePartitions);
        }
    }

    /** Options shared by nightly and backfill. */
    static class RunOptions {
        @Option(names = "--input", required = true, description = "Landing folder (DATA_CONTRACT.md layout)")
        Path input;

        @Option(names = "--output", required = true, description = "Output folder (curated, quarantine, marts, published, runs)")
        Path output;

        @Option(names = "--key-file", description = "File holding the pseudonymisation key "
                + "(default: environment variable " + PseudonymisationKey.ENVIRONMENT_VARIABLE + ")")
        Path keyFile;

        @Option(names = "--max-reject-rate", defaultValue = "0.05",
                description = "Share of rows a night may reject before its marts are held back (default: ${DEFAULT-VALUE})")
        double maxRejectRate;

        @Option(names = "--keep-generations", defaultValue = "3",
                description = "Published generations kept for readers still open on an older one (default: ${DEFAULT-VALUE})")
        int keepGenerations;

        @Option(names = "--break-lock", description = "Take the output folder's lock even if another run holds it "
                + "(only when that run is known to be gone: see the README, Locking)")
        boolean breakLock;

        @Option(names = "--allow-future-run-date", description = "Accept a run date later than tomorrow in Europe/London")
        boolean allowFutureRunDate;

        @Option(names = "--full-rebuild", description = "Recompute every period of every mart instead of only "
                + "the periods this run's changes reach (the default when the reference files or the version changed)")
        boolean fullRebuild;

        byte[] key() {
            return PseudonymisationKey.load(keyFile, System.getenv(PseudonymisationKey.ENVIRONMENT_VARIABLE));
        }
    }

    @Command(name = "nightly", mixinStandardHelpOptions = true,
            description = "Ingest one night (the load_date=D folders), rebuild the marts and publish them atomically.")
    static final class Nightly implements Callable<Integer> {
        @CommandLine.Mixin
        SparkOptionsMixin spark;
        @CommandLine.ArgGroup(exclusive = false, multiplicity = "1")
        RunOptions run;
        @Option(names = "--run-date", required = true, description = "The load date to ingest, YYYY-MM-DD")
        LocalDate runDate;

        @Override
        public Integer call() {
            checkRunDates(runDate, runDate, run.allowFutureRunDate, "--run-date");
            byte[] key = run.key();
            debugDir = run.output.resolve("runs");
            try (OutputLock lock = OutputLock.acquire(run.output, "nightly-" + runDate, "nightly", run.breakLock,
                    System.err)) {
                SparkSession session = spark.session();
                RunManifest m = new NightlyJob(session, new NightlyJob.Options(run.input, run.output, runDate, runDate,
                        run.maxRejectRate, run.keepGenerations, run.fullRebuild), key, System.err).run().get(0);
                System.out.println("nightly " + runDate + ": " + m.status + ", manifest "
                        + run.output.resolve("runs").resolve(m.runId + ".json"));
                return ExitCodes.SUCCESS;
            }
        }
    }

    @Command(name = "backfill", mixinStandardHelpOptions = true,
            description = "Run every night from --from to --to in one pass; same outputs as the nights one by one.")
    static final class Backfill implements Callable<Integer> {
        @CommandLine.Mixin
        SparkOptionsMixin spark;
        @CommandLine.ArgGroup(exclusive = false, multiplicity = "1")
        RunOptions run;
        @Option(names = "--from", required = true, description = "First load date, YYYY-MM-DD")
        LocalDate from;
        @Option(names = "--to", required = true, description = "Last load date, YYYY-MM-DD (inclusive)")
        LocalDate to;

        @Override
        public Integer call() {
            checkRunDates(from, to, run.allowFutureRunDate, "--to");
            byte[] key = run.key();
            debugDir = run.output.resolve("runs");
            try (OutputLock lock = OutputLock.acquire(run.output, "backfill-" + from + ".." + to, "backfill",
                    run.breakLock, System.err)) {
                SparkSession session = spark.session();
                // One pass over the whole range: each night is classified as of its own night and keeps its
                // run id and manifest, so the outputs equal the nights run one by one.
                List<RunManifest> ms = new NightlyJob(session, new NightlyJob.Options(run.input, run.output, from, to,
                        run.maxRejectRate, run.keepGenerations, run.fullRebuild), key, System.err).run();
                System.out.println("backfill " + from + ".." + to + ": " + ms.size() + " nights succeeded, manifests in "
                        + run.output.resolve("runs"));
                return ExitCodes.SUCCESS;
            }
        }
    }

    /** picocli mixin form of {@link SparkOptions}. */
    static final class SparkOptionsMixin extends SparkOptions {
    }
}
