package uk.nhs.healthjustice.telemed.jobs;

/** Input that cannot be read at all (not UTF-8, truncated gzip, wrong header, bad reference data): the run stops. */
public class InputError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InputError(String message) {
        super(message);
    }

    public InputError(String message, Throwable cause) {
        super(message, cause);
    }
}
