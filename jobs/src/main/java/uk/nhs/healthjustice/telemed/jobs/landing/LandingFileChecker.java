package uk.nhs.healthjustice.telemed.jobs.landing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import uk.nhs.healthjustice.telemed.jobs.InputError;
import uk.nhs.healthjustice.telemed.schemas.LogContract;

/**
 * File-level checks before Spark reads a night: every byte must decode as UTF-8, a gzip stream must be
 * complete, and a CSV header must name every contract column. One streaming pass on the driver; a failure
 * names the file and the line, so the operator can go straight to it.
 */
public final class LandingFileChecker {

    private LandingFileChecker() {
    }

    /** A header cell that is a column name: a letter first, then letters, digits, '_', '-', '.' or spaces. */
    private static final java.util.regex.Pattern PLAIN_NAME = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_ .-]{0,63}");
    /** Something a column name never holds: a digit run like an NHS number, a date or a number. */
    private static final java.util.regex.Pattern DATA_SHAPE = java.util.regex.Pattern.compile(
            "\\d{3} ?\\d{3} ?\\d{4}|^\\d{4}-\\d{2}-\\d{2}|^[-+]?\\d+([.,]\\d+)?$");

    /** True when a first line reads as data rather than column names. */
    static boolean looksLikeData(List<String> cells) {
        for (String c : cells) {
            if (DATA_SHAPE.matcher(c.trim()).find()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Landing files and folders must not be symbolic links: a link could point anywhere (the key file,
     * /etc/passwd) and the run would read it. Refused with exit code 3.
     */
    public static void refuseLink(Path p) {
        if (Files.isSymbolicLink(p)) {
            throw new InputError("Cannot read " + p + ": a symbolic link (landing files and folders must not be links)");
        }
    }

    public static LandingFile check(Path file, LogContract contract) {
        refuseLink(file);
        String name = file.getFileName().toString();
        LandingFile.Format format;
        if (name.endsWith(".csv") || name.endsWith(".csv.gz")) {
            format = LandingFile.Format.CSV;
        } else if (name.endsWith(".jsonl") || name.endsWith(".jsonl.gz")) {
            format = LandingFile.Format.JSONL;
        } else {
            throw new InputError("Cannot read " + file + ": unknown file type (expected .csv, .jsonl, .csv.gz or .jsonl.gz)");
        }
        try (InputStream in = open(file)) {
            Scan scan = scan(in, file);
            List<String> header = List.of();
            List<String> extra = List.of();
            if (format == LandingFile.Format.CSV) {
                if (scan.firstLine == null) {
                    throw new InputError("Cannot read " + file + ": empty CSV file, no header row");
                }
                List<String> columns = CsvHeader.parse(scan.firstLine);
                header = columns;
                // Messages name what was expected, never what was found: a first line may be a data row or,
                // through a mistake, the first line of any file.
                if (looksLikeData(columns)) {
                    throw new InputError("Cannot read " + file + ": no header row (line 1 looks like data); expected "
                            + "a header naming the contract columns " + String.join(",", contract.fieldNames()));
                }
                List<String> missing = new ArrayList<>(contract.requiredColumnNames());
                missing.removeAll(header);
                if (!missing.isEmpty()) {
                    throw new InputError("Cannot read " + file + ": wrong header, line 1 lacks contract column(s) "
                            + missing + "; expected a header naming the contract columns "
                            + String.join(",", contract.fieldNames()));
                }
                List<String> dup = columns.stream().filter(h -> columns.indexOf(h) != columns.lastIndexOf(h)).distinct().toList();
                if (!dup.isEmpty()) {
                    List<String> named = dup.stream().filter(contract.fieldNames()::contains).toList();
                    throw new InputError("Cannot read " + file + ": wrong header, line 1 repeats "
                            + (named.isEmpty() ? "a column outside the contract" : "column(s) " + named));
                }
                extra = header.stream().filter(h -> !contract.fieldNames().contains(h))
                        .map(h -> PLAIN_NAME.matcher(h).matches() ? h : "(a column name that is not a plain name)")
                        .distinct().toList();
            }
            return new LandingFile(file, format, header, extra, scan.lines, Files.size(file));
        } catch (IOException e) {
            throw new InputError("Cannot read " + file + ": " + describe(e), e);
        }
    }

    /** The same checks for a reference CSV: readable, UTF-8, with a header. */
    public static LandingFile checkReference(Path file) {
        refuseLink(file);
        try (InputStream in = open(file)) {
            Scan scan = scan(in, file);
            if (scan.firstLine == null) {
                throw new InputError("Cannot read " + file + ": empty CSV file, no header row");
            }
            return new LandingFile(file, LandingFile.Format.CSV, CsvHeader.parse(scan.firstLine), List.of(),
                    scan.lines, Files.size(file));
        } catch (IOException e) {
            throw new InputError("Cannot read " + file + ": " + describe(e), e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    private static String describe(IOException e) {
        if (e instanceof java.io.EOFException) {
            return "truncated gzip stream (unexpected end of file)";
        }
        if (e instanceof java.util.zip.ZipException) {
            return "not a valid gzip stream (" + e.getMessage() + ")";
        }
        return e.getMessage();
    }

    private record Scan(String firstLine, long lines) {
    }

    /** Decodes the whole stream strictly, counting lines and keeping the first (BOM removed). */
    private static Scan scan(InputStream in, Path file) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        byte[] buf = new byte[1 << 16];
        ByteBuffer bytes = ByteBuffer.allocate(1 << 17);
        CharBuffer chars = CharBuffer.allocate(1 << 17);
        StringBuilder first = new StringBuilder();
        boolean firstDone = false;
        long lines = 0;
        boolean lastWasNewline = true;
        int n;
        boolean eof = false;
        while (!eof) {
            n = in.read(buf);
            if (n < 0) {
                eof = true;
            } else {
                bytes.put(buf, 0, n);
            }
            bytes.flip();
            var result = decoder.decode(bytes, chars, eof);
            bytes.compact();
            chars.flip(); // the characters before an invalid byte are counted first: the line is right
            while (chars.hasRemaining()) {
                char c = chars.get();
                if (c == '\n') {
                    lines++;
                    firstDone = true;
                    lastWasNewline = true;
                } else {
                    lastWasNewline = false;
                    if (!firstDone && c != '\r') {
                        first.append(c);
                    }
                }
            }
            chars.clear();
            if (result.isError()) {
                throw new InputError("Cannot read " + file + ": not UTF-8 (invalid byte sequence on line "
                        + (lines + 1) + ")");
            }
        }
        if (!lastWasNewline) {
            lines++;
        }
        String firstLine = lines == 0 ? null : first.toString();
        if (firstLine != null && firstLine.startsWith("\uFEFF")) {
            firstLine = firstLine.substring(1);
        }
        return new Scan(firstLine, lines);
    }

}
