package dev.kvmigrate.converter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One Kubernetes object as an ordered Jackson tree, and the file it is written to.
 *
 * @param fileName {@code <kind-prefix>-<name>.yaml}, unique within a conversion
 * @param body the object; field order is the order written
 */
public record Manifest(String fileName, ObjectNode body) {
    public Manifest {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(body, "body");
    }

    public String kind() {
        return body.path("kind").asText();
    }

    public String name() {
        return body.path("metadata").path("name").asText();
    }
}
