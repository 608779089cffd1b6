package uk.nhs.healthjustice.telemed.jobs.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import uk.nhs.healthjustice.telemed.schemas.Field;
import uk.nhs.healthjustice.telemed.schemas.LogContract;
import uk.nhs.healthjustice.telemed.schemas.NhsNumber;

/**
 * Reads a generated landing folder back with plain Java (no Spark), and checks rows against a contract's
 * field rules: enough for the generator's own tests.
 */
final class LandingFiles {

    /** Marks a line that is not a record at all. */
    static final String MALFORMED = "__malformed__";
    static final Pattern TIMESTAMP = Pattern.compile(
            "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$");

    private LandingFiles() {
    }

    /** Every file of a log, sorted by path: load_date folder, then name. */
    static List<Path> files(Path landing, String log) throws IOException {
        Path dir = landing.resolve(log);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Every row of a log, each with {@code _load_date}; a malformed line is a row with {@link #MALFORMED} only. */
    static List<Map<String, String>> rows(Path landing, String log) throws IOException {
        List<Map<String, String>> out = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (Path f : files(landing, log)) {
            String loadDate = f.getParent().getFileName().toString().replace("load_date=", "");
            String name = f.getFileName().toString();
            try (InputStream raw = Files.newInputStream(f);
                 InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                 BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                List<String> header = null;
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    if (name.contains(".csv")) {
                        List<String> cells = csv(line);
                        if (header == null) {
                            header = cells;
                            continue;
                        }
                        if (cells == null || cells.size() != header.size()) {
                            row.put(MALFORMED, line);
                        } else {
                            for (int i = 0; i < header.size(); i++) {
                                row.put(header.get(i), cells.get(i).isEmpty() ? null : cells.get(i));
                            }
                        }
                    } else {
                        try {
                            JsonNode n = json.readTree(line);
                            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                                Map.Entry<String, JsonNode> e = it.next();
                                row.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
                            }
                        } catch (IOException e) {
                            row.put(MALFORMED, line);
                        }
                    }
                    row.put("_load_date", loadDate);
                    out.add(row);
                }
            }
        }
        return out;
    }

    /** RFC 4180 cells of one line, or null when a quote is left open. */
    static List<String> csv(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    b.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    b.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(b.toString());
                b.setLength(0);
            } else {
                b.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        cells.add(b.toString());
        return cells;
    }

    /** The contract rules a row breaks (field rules only; a site must be in {@code sites}); empty when valid. */
    static List<String> broken(LogContract contract, Map<String, String> row, Set<String> sites) {
        if (row.containsKey(MALFORMED)) {
            return List.of(LogContract.MALFORMED_RECORD);
        }
        List<String> broken = new ArrayList<>();
        for (Field f : contract.fields()) {
            String v = row.get(f.name());
            v = v == null ? null : v.trim();
            if (v == null || v.isEmpty()) {
                if (f.required()) {
                    broken.add(f.missingRule());
                }
                continue;
            }
            boolean ok = switch (f.type()) {
                case ID -> true;
                case NHS_NUMBER -> NhsNumber.isValid(v);
                case SITE_ID -> v.matches("^[A-Z0-9]{2,8}$");
                case ENUM -> f.allowedValues().contains(v);
                case TIMESTAMP -> TIMESTAMP.matcher(v).matches();
                case BOOLEAN -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false");
                default -> true;
            };
            if (!ok) {
                broken.add(f.invalidRule());
            } else if (f.type() == uk.nhs.healthjustice.telemed.schemas.FieldType.SITE_ID && !sites.contains(v)) {
                broken.add(LogContract.SITE_ID_UNKNOWN);
            }
        }
        return broken;
    }

    /** The newest version of each record among valid rows (by record_updated_at, compared as an instant). */
    static Map<String, Map<String, String>> latestValid(LogContract contract, List<Map<String, String>> rows,
                                                        Set<String> sites) {
        Map<String, Map<String, String>> latest = new HashMap<>();
        for (Map<String, String> r : rows) {
            if (!broken(contract, r, sites).isEmpty()) {
                continue;
            }
            latest.merge(r.get(contract.idField()), r, (a, b) -> instant(b).isAfter(instant(a)) ? b : a);
        }
        return latest;
    }

    static java.time.Instant instant(Map<String, String> r) {
        return java.time.OffsetDateTime.parse(r.get("record_updated_at")).toInstant();
    }

    /** site_id -> telemedicine_go_live (null for never) from reference/sites.csv. */
    static Map<String, java.time.LocalDate> goLives(Path landing) throws IOException {
        Map<String, java.time.LocalDate> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(landing.resolve("reference/sites.csv"));
        List<String> header = csv(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            List<String> c = csv(line);
            String g = c.get(header.indexOf("telemedicine_go_live"));
            out.put(c.get(header.indexOf("site_id")), g.isEmpty() ? null : java.time.LocalDate.parse(g));
        }
        return out;
    }

    /** SHA-256 over every file under {@code dir}: relative path and bytes, in path order. */
    static String digest(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                md.update(dir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(f));
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
