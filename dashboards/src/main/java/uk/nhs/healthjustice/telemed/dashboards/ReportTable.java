package uk.nhs.healthjustice.telemed.dashboards;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/**
 * One table of the quarterly report: rendered as HTML (escaped, numbers formatted for reading) and as CSV
 * (RFC 4180, raw values, for spreadsheets).
 *
 * @param id      file name of the CSV, without {@code .csv}
 * @param title   heading in the report
 * @param note    one sentence under the heading saying what the rows are; may be empty
 * @param columns column names, as in the marts
 * @param rows    values in column order; null is a dash on the page and an empty CSV cell (suppressed, not
 *                published at this level, or not applicable); a {@link Shown} is a value already formatted
 */
record ReportTable(String id, String title, String note, List<String> columns, List<List<Object>> rows) {

    /** Shown on the page for a null value. */
    static final String DASH = "\u2013";

    /** A value with its text for the page already chosen; the CSV has the value itself. */
    record Shown(Object value, String text) {
    }

    /** Shown on the page for a null value on a row that disclosure control suppressed. */
    static final Shown SUPPRESSED = new Shown(null, "suppressed");

    /** A section for a table absent from {@code published/}: its title and one line, no CSV. */
    static ReportTable notYetPublished(String id, String title) {
        return new ReportTable(id, title, "Not yet published: this output was written before the table existed.",
                List.of(), List.of());
    }

    /** Whether there is a CSV to write: a note-only section has none. */
    boolean hasCsv() {
        return !columns.isEmpty();
    }

    /** A CSV cell's text: decimals written out in full (never {@code 1E+3}), null as nothing. */
    static String raw(Object v) {
        if (v instanceof Shown s) {
            return raw(s.value());
        }
        if (v == null) {
            return "";
        }
        return v instanceof BigDecimal d ? d.toPlainString() : String.valueOf(v);
    }

    String csv() {
        StringBuilder b = new StringBuilder();
        b.append(String.join(",", columns.stream().map(ReportTable::csvCell).toList())).append("\r\n");
        for (List<Object> r : rows) {
            b.append(String.join(",", r.stream().map(v -> csvCell(raw(v))).toList())).append("\r\n");
        }
        return b.toString();
    }

    String html() {
        StringBuilder b = new StringBuilder();
        b.append("<section class=\"table\" id=\"").append(escape(id)).append("\">\n<h3>").append(escape(title))
                .append("</h3>\n");
        if (!note.isEmpty()) {
            b.append("<p class=\"note\">").append(escape(note)).append("</p>\n");
        }
        if (columns.isEmpty()) {
            return b.append("</section>\n").toString(); // a section with a note only (not yet published)
        }
        if (rows.isEmpty()) {
            return b.append("<p class=\"empty\">No rows for this quarter.</p>\n</section>\n").toString();
        }
        b.append("<table><thead><tr>");
        for (String c : columns) {
            b.append("<th>").append(escape(c.replace('_', ' '))).append("</th>");
        }
        b.append("</tr></thead><tbody>\n");
        for (List<Object> r : rows) {
            b.append("<tr>");
            for (int i = 0; i < r.size(); i++) {
                Object v = r.get(i);
                Object value = v instanceof Shown shown ? shown.value() : v;
                if (value == null) {
                    // a Shown null carries its own word ("suppressed"); a bare null is a dash
                    b.append("<td class=\"na\">").append(v instanceof Shown shown ? escape(shown.text()) : DASH)
                            .append("</td>");
                    continue;
                }
                boolean number = value instanceof Number
                        || value instanceof String str && str.matches("-?[0-9][0-9,]*(\\.[0-9]+)?");
                b.append(number ? "<td class=\"n\">" : "<td>").append(escape(format(columns.get(i), v)))
                        .append("</td>");
            }
            b.append("</tr>\n");
        }
        return b.append("</tbody></table>\n<p class=\"csv\">Also as <a href=\"").append(escape(id))
                .append(".csv\">").append(escape(id)).append(".csv</a>.</p>\n</section>\n").toString();
    }

    /**
     * Readable numbers: money in whole pounds with thousands separators (decimals rounded half up, exactly),
     * shares, rates and ratios (those to the national value, {@code *_vs_all}, too) as fractions to 3 places,
     * percentages, days and hours to 1, counts with separators.
     */
    static String format(String column, Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Shown s) {
            return s.text();
        }
        BigDecimal d;
        if (v instanceof BigDecimal b) {
            d = b;
        } else if (v instanceof Double || v instanceof Float) {
            double x = ((Number) v).doubleValue();
            if (Double.isNaN(x) || Double.isInfinite(x)) {
                return "";
            }
            d = BigDecimal.valueOf(x);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return String.format(Locale.UK, "%,d", ((Number) v).longValue());
        } else {
            return String.valueOf(v);
        }
        // rounded as a BigDecimal first: it has no negative zero, so -0.10 pounds shows as 0, not -0
        if (isMoney(column)) {
            return String.format(Locale.UK, "%,.0f", d.setScale(0, RoundingMode.HALF_UP));
        }
        if (column.endsWith("_share") || column.endsWith("_rate") || column.endsWith("_ratio")
                || column.endsWith("_vs_all") || column.equals("estimate") || column.startsWith("ci_")) {
            return String.format(Locale.UK, "%.3f", d.setScale(3, RoundingMode.HALF_UP));
        }
        return String.format(Locale.UK, "%,.1f", d.setScale(1, RoundingMode.HALF_UP));
    }

    /** Columns in pounds: {@code *_gbp}, and the cost intervals and net benefits named without the suffix. */
    static boolean isMoney(String column) {
        return column.endsWith("_gbp") || column.contains("_gbp_") || column.startsWith("incremental_cost")
                || column.startsWith("cost_difference") || column.startsWith("nmb_");
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * A CSV cell, quoted when it holds a comma, quote or line break. A cell starting with = + - @ is prefixed
     * with a quote mark so a spreadsheet does not run it as a formula (site names are untrusted); numbers are
     * written as they are, so negative numbers stay numbers.
     */
    static String csvCell(String s) {
        String v = s;
        if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 && !isNumber(v)) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            v = "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
