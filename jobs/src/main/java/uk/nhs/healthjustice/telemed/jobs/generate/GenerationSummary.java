package uk.nhs.healthjustice.telemed.jobs.generate;

import java.time.LocalDate;
import java.util.List;

/**
 * What a generation wrote. {@code badRowsPlanted}, {@code correctionRows} and {@code redeliveredRows} count the
 * three logs of contract version 1 (the logs the nightly reads); the safety logs of version 2 (zero when they
 * are not written) have their own counts, bad rows and noise included in their row counts; so has the
 * {@code patients} log of version 2 ({@code patientRows} counts every row written, its planted bad rows too).
 */
public record GenerationSummary(LocalDate firstLoadDate, LocalDate lastLoadDate, List<LocalDate> loadDates, int sites,
                                long referralRows, long consultRows, long mhaRows, long badRowsPlanted,
                                long correctionRows, long redeliveredRows, long prescriptionRows,
                                long medicationIncidentRows, long securityEventRows, long safetyBadRowsPlanted,
                                long safetyCorrectedOrRedeliveredRows, long patientRows, long patientBadRowsPlanted) {
}
