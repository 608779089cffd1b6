package uk.nhs.healthjustice.telemed.jobs;

/** Too many rows were rejected: the quarantine is written for the data supplier, the marts are not published. */
public class QualityThresholdBreached extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public QualityThresholdBreached(String message) {
        super(message);
    }
}
