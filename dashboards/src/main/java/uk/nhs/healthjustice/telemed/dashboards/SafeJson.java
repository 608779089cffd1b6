package uk.nhs.healthjustice.telemed.dashboards;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * JSON safe to embed in {@code <script type="application/json">}: {@code <}, {@code >}, {@code &}, U+2028 and
 * U+2029 are written as escapes, so a value such as {@code </script>} in a site name cannot end the block.
 */
final class SafeJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private SafeJson() {
    }

    static String of(Object value) {
        try {
            return JSON.writeValueAsString(value)
                    .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                    .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise the page data", e);
        }
    }
}
