package uk.nhs.healthjustice.telemed.jobs.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Failures for the operator: one line naming the path and the cause, never file contents, and the stack
 * trace in a debug log instead of the terminal.
 */
public final class Failures {

    /** NHS-number shapes (and any 10-digit run) are masked in debug logs too. */
    private static final Pattern NHS_NUMBER_SHAPE = Pattern.compile("\\d{3} ?\\d{3} ?\\d{4}");

    private Failures() {
    }

    /**
     * The cause of a failure in operator terms: the innermost I/O cause (e.g. {@code /out/x: No space left on
     * device}) when there is one, else the exception's class name only (a message could quote data).
     */
    public static String cause(Throwable e) {
        Throwable io = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof IOException && !(t.getCause() instanceof IOException)) {
                io = t;
            }
        }
        if (io == null) {
            // Spark and Hadoop sometimes carry the I/O cause only in a message
            for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
                String m = t.getMessage();
                if (m != null && m.contains("No space left on device")) {
                    return "No space left on device";
                }
            }
            return e.getClass().getSimpleName();
        }
        if (io instanceof FileSystemException fse) {
            String reason = fse.getReason() == null ? io.getClass().getSimpleName() : fse.getReason();
            return (fse.getFile() == null ? "" : fse.getFile() + ": ") + reason
                    + (fse.getOtherFile() == null ? "" : " (" + fse.getOtherFile() + ")");
        }
        String m = io.getMessage() == null ? null : io.getMessage().lines().findFirst().orElse("");
        return m == null ? io.getClass().getSimpleName() : mask(m.length() > 300 ? m.substring(0, 300) + "..." : m);
    }

    /** True when the failure is an input/output failure (disk full, permissions, missing folder). */
    public static boolean isIo(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof IOException || t.getClass().getName().endsWith("FSError")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the stack trace to {@code dir/telemed-<time>.debug.log} (NHS-number shapes masked), falling back
     * to the temporary folder; returns where, or null when nothing could be written (a full disk).
     */
    public static Path writeDebugLog(Throwable e, Path dir) {
        StringWriter sw = new StringWriter();
        e.printStackTrace(new PrintWriter(sw));
        String text = mask(sw.toString());
        String name = "telemed-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(ZoneOffset.UTC)
                .format(Instant.now()) + "-" + ProcessHandle.current().pid() + ".debug.log";
        for (Path d : new Path[] {dir, Path.of(System.getProperty("java.io.tmpdir"))}) {
            if (d == null) {
                continue;
            }
            try {
                Files.createDirectories(d);
                Path f = d.resolve(name);
                Files.writeString(f, text, StandardCharsets.UTF_8);
                return f;
            } catch (IOException | RuntimeException x) {
                // try the next place
            }
        }
        return null;
    }

    static String mask(String s) {
        return NHS_NUMBER_SHAPE.matcher(s).replaceAll("[redacted]");
    }
}
