package uk.nhs.healthjustice.telemed.jobs;

/** Process exit codes, documented in the README for schedulers. */
public final class ExitCodes {

    public static final int SUCCESS = 0;
    /** Internal failure: a bug or an environment problem (disk full, Spark failure). */
    public static final int INTERNAL_FAILURE = 1;
    /** Bad command-line arguments or missing pseudonymisation key (picocli's usage code). */
    public static final int BAD_ARGUMENTS = 2;
    /** An input file could not be read at all; nothing was published. */
    public static final int UNREADABLE_INPUT = 3;
    /** The share of rejected rows exceeded --max-reject-rate: quarantine written, marts not published. */
    public static final int QUALITY_THRESHOLD_BREACHED = 4;
    /** Another run holds the output folder's lock (the message names it); nothing was read or written. */
    public static final int OUTPUT_LOCKED = 5;

    private ExitCodes() {
    }
}
