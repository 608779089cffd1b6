package uk.nhs.healthjustice.telemed.jobs.landing;

import java.nio.file.Path;
import java.util.List;

/**
 * One landed file that passed the file-level checks (readable, UTF-8, complete gzip, usable header).
 *
 * @param path         where it is
 * @param format       csv or jsonl
 * @param header       CSV column names in file order (empty for JSON Lines)
 * @param extraColumns columns the contract does not know: ignored and reported
 * @param lines        physical lines, header included
 * @param bytes        size on disk
 */
public record LandingFile(Path path, Format format, List<String> header, List<String> extraColumns, long lines,
                          long bytes) {

    /** The two record formats of the contract; either may be gzip-compressed. */
    public enum Format { CSV, JSONL }

    public String name() {
        return path.getFileName().toString();
    }
}
