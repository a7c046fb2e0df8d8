package dev.kvmigrate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.kvmigrate.inventory.model.InventoryCodec;
import java.io.PrintWriter;

/** Writes result objects to stdout as JSON or YAML with the same settings as the inventory file. */
final class Printer {
    private Printer() {}

    static void print(PrintWriter out, Object value, OutputFormat format) {
        InventoryCodec.Format f = format == OutputFormat.yaml ? InventoryCodec.Format.YAML : InventoryCodec.Format.JSON;
        try {
            String text = InventoryCodec.mapper(f).writeValueAsString(value);
            out.print(text.endsWith("\n") ? text : text + "\n");
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + value.getClass().getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }
}
