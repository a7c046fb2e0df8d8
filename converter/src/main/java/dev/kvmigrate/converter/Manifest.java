package dev.kvmigrate.converter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.json.Mappers;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Objects;
import java.util.Optional;

/**
 * One Kubernetes object the converter built, and the file it is written to. Immutable: the tree is copied in and
 * out, so nobody downstream can patch what the converter decided; downstream stages render or send it whole and
 * read its identity from the typed fields here, never from the tree.
 */
public final class Manifest {
    private static final ObjectMapper JSON = Mappers.json();
    private final String fileName;
    private final String apiVersion;
    private final String kind;
    private final String name;
    private final Optional<String> namespace;
    private final ObjectNode body;

    private Manifest(String fileName, ObjectNode body) {
        this.fileName = Objects.requireNonNull(fileName, "fileName");
        this.body = Objects.requireNonNull(body, "body").deepCopy();
        this.apiVersion = body.path("apiVersion").asText();
        this.kind = body.path("kind").asText();
        JsonNode meta = body.path("metadata");
        this.name = meta.path("name").asText();
        this.namespace = Optional.ofNullable(meta.get("namespace")).map(JsonNode::asText);
        if (kind.isEmpty() || name.isEmpty()) {
            throw new IllegalArgumentException(fileName + ": an object needs a kind and metadata.name");
        }
    }

    /**
     * An object as built; the tree is copied.
     *
     * @param fileName {@code <kind-prefix>-<name>.yaml}, unique within a conversion
     * @param body the object; field order is the order written
     */
    public static Manifest of(String fileName, ObjectNode body) {
        return new Manifest(fileName, body);
    }

    public String fileName() {
        return fileName;
    }

    public String apiVersion() {
        return apiVersion;
    }

    public String kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    /** The namespace written into the object; absent: the target's (kubectl's current) namespace. */
    public Optional<String> namespace() {
        return namespace;
    }

    /** The object as text in the given format. */
    public String render(OutputFormat format) {
        return format.render(body);
    }

    /** A copy of the object's tree, for validation and for the schema tests. */
    public ObjectNode tree() {
        return body.deepCopy();
    }

    /** The object as fabric8 sends it to an API server. */
    public GenericKubernetesResource toResource() {
        return JSON.convertValue(body, GenericKubernetesResource.class);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && m.fileName.equals(fileName) && m.body.equals(body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fileName, body);
    }

    @Override
    public String toString() {
        return kind + "/" + name + " (" + fileName + ")";
    }
}
