package dev.kvmigrate.converter.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/**
 * One document read from a manifest file, with where each of its nodes starts.
 *
 * @param file the file, as given
 * @param body the document
 * @param locations JSON pointer ({@code /spec/template}) → position of the node in the file
 */
public record LocatedObject(String file, JsonNode body, Map<String, Position> locations) {
    /** A 1-based line and column. */
    public record Position(int line, int column) {
        @Override
        public String toString() {
            return line + ":" + column;
        }
    }

    public LocatedObject {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(body, "body");
        locations = Map.copyOf(locations);
    }

    public String apiVersion() {
        return body.path("apiVersion").asText("");
    }

    public String kind() {
        return body.path("kind").asText("");
    }

    public String name() {
        return body.path("metadata").path("name").asText("");
    }

    public String namespace() {
        return body.path("metadata").path("namespace").asText("");
    }

    /** {@code VirtualMachine/cad-ws-01}. */
    public String id() {
        return (kind().isEmpty() ? "?" : kind()) + "/" + (name().isEmpty() ? "?" : name());
    }

    /** The position of the node at {@code pointer}, or of its nearest located ancestor. */
    public Position at(String pointer) {
        String p = pointer;
        while (true) {
            Position pos = locations.get(p);
            if (pos != null) {
                return pos;
            }
            if (p.isEmpty()) {
                return new Position(1, 1);
            }
            p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
        }
    }

    /** An object the converter built, located by its file name only. */
    public static LocatedObject of(dev.kvmigrate.converter.Manifest m) {
        return new LocatedObject(m.fileName(), m.tree(), Map.of());
    }
}
