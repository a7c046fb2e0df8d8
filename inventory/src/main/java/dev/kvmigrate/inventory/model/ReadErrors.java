package dev.kvmigrate.inventory.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.kvmigrate.common.KvMigrateException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        Throwable root = KvMigrateException.rootCause(e);
        String reason = root instanceof IllegalArgumentException || root instanceof NullPointerException
                || root instanceof KvMigrateException
                ? root.getMessage()
                : jacksonReason(e);
        return name + where(e.getLocation()) + at + ": " + reason;
    }

    /** Jackson's reason in the words of the file's author: fields and kinds of value, never Java type names. */
    static String jacksonReason(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "));
            return "unknown field '" + u.getPropertyName() + "'" + (known.isEmpty() ? "" : " (known here: " + known
                    + ")");
        }
        if (e instanceof InvalidFormatException f) {
            return "'" + f.getValue() + "' is not " + kind(f.getTargetType());
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            Matcher found = FOUND.matcher(String.valueOf(e.getOriginalMessage()));
            return "expected " + kind(m.getTargetType())
                    + (found.find() ? ", found " + FOUND_KINDS.getOrDefault(found.group(1), "another value") : "");
        }
        return JAVA_TYPE.matcher(String.valueOf(e.getOriginalMessage())).replaceAll("a value")
                .replaceAll(" \\(class [^)]*\\)", "");
    }

    private static final Pattern FOUND = Pattern.compile("from (Array|Object|String|Integer|Floating-point|Boolean"
            + "|Null)[ -]");
    private static final Map<String, String> FOUND_KINDS = Map.of("Array", "a list", "Object", "a mapping",
            "String", "a string", "Integer", "a number", "Floating-point", "a number", "Boolean", "true/false",
            "Null", "nothing (null)");
    /** A Java type name as Jackson quotes it: {@code `java.util.LinkedHashMap<java.lang.String,...>`}. */
    private static final Pattern JAVA_TYPE = Pattern.compile("`[\\w$.]+(<[^`]*>)?(\\[\\])?`");

    private static String kind(Class<?> type) {
        if (type == null) {
            return "a value of another kind";
        }
        if (type == String.class || type == Character.class || type == char.class || type.isEnum()) {
            return type.isEnum() ? "one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf)
                    .collect(Collectors.joining(", ")) : "a string";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return "a mapping (key: value)";
    }

    private static String where(JsonLocation location) {
        return location == null || location.getLineNr() < 1
                ? ""
                : ":" + location.getLineNr() + ":" + location.getColumnNr();
    }
}
