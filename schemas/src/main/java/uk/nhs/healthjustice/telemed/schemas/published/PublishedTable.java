package uk.nhs.healthjustice.telemed.schemas.published;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructType;

/**
 * A published table: every column with its disclosure class. A mart column with no declaration cannot be
 * published ({@code DisclosureControl} refuses it), so a new column must be classed before it can be shared.
 *
 * @param name    the mart's name, the folder under {@code marts/} and {@code published/}
 * @param columns every column, in the mart's order
 */
public record PublishedTable(String name, List<PublishedColumn> columns) {

    public PublishedTable {
        Map<String, PublishedColumn> seen = new LinkedHashMap<>();
        for (PublishedColumn c : columns) {
            if (seen.put(c.name(), c) != null) {
                throw new IllegalArgumentException(name + " declares " + c.name() + " twice");
            }
        }
        columns = List.copyOf(columns);
    }

    /** The declaration of {@code column}, or null when it has none. */
    public PublishedColumn column(String column) {
        return columns.stream().filter(c -> c.name().equals(column)).findFirst().orElse(null);
    }

    public List<String> names() {
        return columns.stream().map(PublishedColumn::name).toList();
    }

    /** The mart's schema: every column with its declared type, in order (nullability is not part of it). */
    public StructType schema() {
        StructType s = new StructType();
        for (PublishedColumn c : columns) {
            s = s.add(c.name(), c.type(), true);
        }
        return s;
    }

    /** The columns of one class. */
    public List<String> named(DisclosureClass disclosure) {
        return columns.stream().filter(c -> c.disclosure() == disclosure).map(PublishedColumn::name).toList();
    }
}
