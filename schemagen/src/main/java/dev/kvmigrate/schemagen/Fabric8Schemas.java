package dev.kvmigrate.schemagen;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Strict Swagger 2.0 definitions for Kubernetes kinds, derived from fabric8's typed model classes by Jackson bean
 * introspection: a property per field as Jackson serializes it (fabric8's {@code @JsonAnyGetter} map of unknown
 * fields is no property, so unknown fields are not allowed), Java types mapped to JSON schema types, every model
 * class a definition named after it (package {@code io.fabric8.kubernetes.api.model.} left off) that others
 * {@code $ref}. Each kind's definition pins {@code apiVersion} and {@code kind} and carries
 * {@code x-kubernetes-group-version-kind}.
 *
 * <p>A class with no property but that map (FieldsV1) is an opaque object, open to any field. fabric8 does not
 * record which fields are required, so the definitions require none. A Java type with no mapping here (a double,
 * an enum, a new wrapper type) fails the generation rather than be guessed at.
 */
final class Fabric8Schemas {
    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model.";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** fabric8's annotations decide the names; a plain mapper reads them as fabric8's own serializer does. */
    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, ObjectNode> definitions = new TreeMap<>();

    private Fabric8Schemas() {}

    /** The definitions of {@code kinds} and of every model class they reach, sorted by name. */
    static ObjectNode definitions(List<Class<? extends HasMetadata>> kinds) {
        Fabric8Schemas schemas = new Fabric8Schemas();
        kinds.forEach(schemas::kind);
        ObjectNode out = NODES.objectNode();
        schemas.definitions.forEach(out::set);
        return out;
    }

    private void kind(Class<? extends HasMetadata> type) {
        ObjectNode definition = definitions.get(define(mapper.constructType(type)));
        ObjectNode properties = (ObjectNode) definition.get("properties");
        properties.set("apiVersion", pinned(HasMetadata.getApiVersion(type)));
        properties.set("kind", pinned(HasMetadata.getKind(type)));
        definition.putArray("x-kubernetes-group-version-kind").addObject().put("group", HasMetadata.getGroup(type))
                .put("kind", HasMetadata.getKind(type)).put("version", HasMetadata.getVersion(type));
    }

    private static ObjectNode pinned(String value) {
        ObjectNode schema = NODES.objectNode().put("type", "string");
        schema.putArray("enum").add(value);
        return schema;
    }

    /** Adds the definition of model class {@code type} (and those it reaches) once; returns its name. */
    private String define(JavaType type) {
        String name = type.getRawClass().getName().substring(MODEL_PACKAGE.length());
        if (!definitions.containsKey(name)) {
            ObjectNode definition = NODES.objectNode().put("type", "object");
            definitions.put(name, definition);
            ObjectNode properties = definition.putObject("properties");
            BeanDescription bean = mapper.getSerializationConfig().introspect(type);
            for (BeanPropertyDefinition p : bean.findProperties()) {
                if (p.couldSerialize()) {
                    properties.set(p.getName(), schema(p.getPrimaryType(), name + "." + p.getName()));
                }
            }
            if (properties.isEmpty()) {
                // Only the any-setter map: an opaque object such as FieldsV1.
                definition.remove("properties");
                definition.put("x-kubernetes-preserve-unknown-fields", true);
            }
        }
        return name;
    }

    private ObjectNode schema(JavaType type, String where) {
        Class<?> raw = type.getRawClass();
        if (type.isCollectionLikeType()) {
            ObjectNode array = NODES.objectNode().put("type", "array");
            array.set("items", schema(type.getContentType(), where + "[]"));
            return array;
        }
        if (type.isMapLikeType() && type.getKeyType().getRawClass() == String.class) {
            ObjectNode map = NODES.objectNode().put("type", "object");
            map.set("additionalProperties", schema(type.getContentType(), where + "{}"));
            return map;
        }
        if (raw == String.class) {
            return NODES.objectNode().put("type", "string");
        }
        if (raw == Integer.class || raw == int.class) {
            return NODES.objectNode().put("type", "integer").put("format", "int32");
        }
        if (raw == Long.class || raw == long.class) {
            return NODES.objectNode().put("type", "integer").put("format", "int64");
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return NODES.objectNode().put("type", "boolean");
        }
        if (raw == Quantity.class || raw == IntOrString.class) {
            return NODES.objectNode().put("x-kubernetes-int-or-string", true);
        }
        if (raw == Object.class) {
            return NODES.objectNode().put("x-kubernetes-preserve-unknown-fields", true);
        }
        if (raw.getName().startsWith(MODEL_PACKAGE) && !raw.isEnum()) {
            return NODES.objectNode().put("$ref", "#/definitions/" + define(type));
        }
        throw new IllegalStateException("no JSON schema mapping for " + type + " (" + where + "); add one to "
                + Fabric8Schemas.class.getSimpleName());
    }
}
