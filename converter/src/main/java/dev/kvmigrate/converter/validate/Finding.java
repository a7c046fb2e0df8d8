package dev.kvmigrate.converter.validate;

import dev.kvmigrate.inventory.concern.ConcernCode;
import java.util.Objects;

/**
 * One problem with one object.
 *
 * @param file the manifest file
 * @param position where in the file
 * @param object {@code Kind/name}, or the file name when the problem is not inside an object
 * @param path JSON path of the offending node ({@code $.spec.template.spec.domain.devices.gpus[0].deviceName})
 * @param rule the {@link ConcernCode} name of the check ({@code MANIFEST_SCHEMA}, {@code DEVICE_NOT_PERMITTED},
 *     {@code MAC_DUPLICATE}…)
 * @param message what is wrong and, where there is one, the fix
 */
public record Finding(String file, LocatedObject.Position position, String object, String path, String rule,
        String message) {
    public Finding {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(message, "message");
        if (ConcernCode.named(rule).isEmpty()) {
            throw new IllegalArgumentException("finding rule '" + rule + "' is not a ConcernCode; add it there");
        }
    }

    /** A finding about the node at JSON pointer {@code pointer} of {@code o}. */
    public static Finding at(LocatedObject o, String pointer, ConcernCode rule, String message) {
        return new Finding(o.file(), o.at(pointer), o.id(), jsonPath(pointer), rule.name(), message);
    }

    /** {@code /spec/gpus/0/name} → {@code $.spec.gpus[0].name}. */
    public static String jsonPath(String pointer) {
        StringBuilder s = new StringBuilder("$");
        if (pointer.isEmpty()) {
            return s.toString();
        }
        for (String part : pointer.substring(1).split("/", -1)) {
            String p = part.replace("~1", "/").replace("~0", "~");
            if (p.matches("[0-9]+")) {
                s.append('[').append(p).append(']');
            } else if (p.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                s.append('.').append(p);
            } else {
                s.append("['").append(p).append("']");
            }
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return file + ":" + position + ": " + object + ": " + path + ": " + message + " [" + rule + "]";
    }
}
