package dev.kvmigrate.converter;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;

/** Small builders for ordered Jackson trees. */
final class Trees {
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Trees() {}

    static ObjectNode obj() {
        return F.objectNode();
    }

    /** {@code {"enabled": value}}, KubeVirt's FeatureState. */
    static ObjectNode enabled(boolean value) {
        return obj().put("enabled", value);
    }

    /** The object's metadata: name, namespace (when given), labels, annotations, in that order. */
    static ObjectNode metadata(String name, Optional<String> namespace, Map<String, String> labels,
            Map<String, String> annotations) {
        ObjectNode meta = obj().put("name", name);
        namespace.ifPresent(ns -> meta.put("namespace", ns));
        if (!labels.isEmpty()) {
            ObjectNode l = meta.putObject("labels");
            labels.forEach(l::put);
        }
        if (!annotations.isEmpty()) {
            ObjectNode a = meta.putObject("annotations");
            annotations.forEach(a::put);
        }
        return meta;
    }
}
