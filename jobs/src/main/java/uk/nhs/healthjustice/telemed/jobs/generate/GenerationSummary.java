package uk.nhs.healthjustice.telemed.jobs.generate;

import java.time.LocalDate;
import java.util.List;

/** What a generation wrote. */
public record GenerationSummary(LocalDate firstLoadDate, LocalDate lastLoadDate, List<LocalDate> loadDates, int sites,
                                long referralRows, long consultRows, long mhaRows, long badRowsPlanted,
                                long correctionRows, long redeliveredRows) {
}
