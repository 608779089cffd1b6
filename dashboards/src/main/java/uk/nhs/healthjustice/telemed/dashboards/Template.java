package uk.nhs.healthjustice.telemed.dashboards;

import java.util.Map;

/**
 * Fills a page template in one pass: the template is scanned once, left to right, for the markers of a fixed
 * map, and each marker found is replaced by its value. Inserted text is never scanned again, so a value that
 * holds a marker (a site named /*DATA*&#47; in a table, or a marker inside the charting library) stays
 * as it is. A marker the template lacks is an error: a page that silently drops its data would pass unseen.
 */
final class Template {

    private Template() {
    }

    /**
     * @param template the page with its markers
     * @param values   marker (exact text, such as {@code {{TABLES}}}) to the text that replaces it; no marker may
     *                 be empty or a prefix of another, so where one starts is never ambiguous
     */
    static String fill(String template, Map<String, String> values) {
        for (String a : values.keySet()) {
            if (a.isEmpty()) {
                throw new IllegalArgumentException("Empty template marker");
            }
            for (String b : values.keySet()) {
                if (!a.equals(b) && b.startsWith(a)) {
                    throw new IllegalArgumentException("Template marker " + a + " is a prefix of " + b);
                }
            }
            if (!template.contains(a)) {
                throw new IllegalStateException("The template has no " + a + " marker");
            }
        }
        StringBuilder out = new StringBuilder(template.length()
                + values.values().stream().mapToInt(String::length).sum());
        int from = 0;
        while (true) {
            int at = -1;
            String marker = null;
            for (String m : values.keySet()) {
                int i = template.indexOf(m, from);
                if (i >= 0 && (at < 0 || i < at)) {
                    at = i;
                    marker = m;
                }
            }
            if (marker == null) {
                return out.append(template, from, template.length()).toString();
            }
            out.append(template, from, at).append(values.get(marker));
            from = at + marker.length();
        }
    }
}
