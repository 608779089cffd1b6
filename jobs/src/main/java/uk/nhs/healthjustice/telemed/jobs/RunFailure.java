package uk.nhs.healthjustice.telemed.jobs;

/**
 * A run failed for a reason outside the input (disk full, a Spark failure, a bug): the message is one line
 * for the operator, naming where and why and never data; the cause's stack trace goes to a debug log.
 */
public class RunFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RunFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
