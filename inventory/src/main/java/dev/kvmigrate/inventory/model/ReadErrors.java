package dev.kvmigrate.inventory.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.kvmigrate.common.KvMigrateException;
import java.util.stream.Collectors;

/**
 * The one way a file read by Jackson (inventory, mappings, plan) turns a failure into a message for people:
 * {@code NAME:LINE:COLUMN at field.path: reason; hint} — the reason of a record's own check (its canonical
 * constructor's message, an IllegalArgumentException's or a {@link KvMigrateException}'s such as
 * {@link dev.kvmigrate.common.Quantities}') rather than Jackson's wrapper around it.
 */
public final class ReadErrors {
    private ReadErrors() {}

    /**
     * An {@link dev.kvmigrate.common.ExitCode#INVALID_INPUT} error for a failed read of {@code name}.
     *
     * @param syntax what the input should have been ({@code "YAML"}, {@code "JSON/YAML"}), for syntax errors
     * @param hint appended after {@code "; "} when not empty, e.g. where the format is documented
     */
    public static KvMigrateException invalidInput(String name, JsonProcessingException e, String syntax, String hint) {
        String suffix = hint.isEmpty() ? "" : "; " + hint;
        if (e instanceof JsonMappingException m) {
            return KvMigrateException.invalidInput(describe(name, m) + suffix, e);
        }
        return KvMigrateException.invalidInput(name + where(e.getLocation()) + ": not valid " + syntax + ": "
                + e.getOriginalMessage() + suffix, e);
    }

    private static String describe(String name, JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining());
        String at = path.isEmpty() ? "" : " at " + path.substring(path.startsWith(".") ? 1 : 0);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = root instanceof IllegalArgumentException || root instanceof NullPointerException
                || root instanceof KvMigrateException
                ? root.getMessage()
                : e.getOriginalMessage();
        return name + where(e.getLocation()) + at + ": " + reason;
    }

    private static String where(JsonLocation location) {
        return location == null || location.getLineNr() < 1
                ? ""
                : ":" + location.getLineNr() + ":" + location.getColumnNr();
    }
}
