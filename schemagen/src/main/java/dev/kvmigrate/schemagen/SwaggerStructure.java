package dev.kvmigrate.schemagen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The structural part of an upstream Swagger 2.0 document (KubeVirt's, CDI's): the definitions reachable from the
 * kinds its paths serve, with only the keywords that decide what is valid, and each kind's group/version/kind
 * written on its definition ({@code x-kubernetes-group-version-kind}) so that the result needs no paths.
 *
 * <p>A kind is a definition {@code <version>.<Kind>} with {@code apiVersion} and {@code kind} properties that an
 * operation under {@code /apis/<group>/<version>/} (or {@code /api/<version>/}) takes or returns. A keyword this
 * class does not know fails the generation, so that a new upstream construct is decided on, not dropped.
 */
final class SwaggerStructure {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String REF_PREFIX = "#/definitions/";
    /** Keywords that decide what is valid, copied as they are. */
    private static final Set<String> KEPT = Set.of("type", "format", "required", "enum", "$ref",
            "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-group-version-kind");
    /** Documentation, defaulting and merge hints: dropped (the validator ignores them). */
    private static final Set<String> DROPPED = Set.of("description", "default", "example", "nullable",
            "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
            "x-kubernetes-patch-merge-key", "x-kubernetes-patch-strategy", "x-kubernetes-unions");

    /** A kind the document serves. */
    record Gvk(String group, String version, String kind) {}

    private SwaggerStructure() {}

    /** {@code {"swagger":"2.0","info":info,"definitions":…}}: the structural part of {@code upstream}. */
    static ObjectNode of(JsonNode upstream, ObjectNode info) {
        JsonNode all = upstream.path("definitions");
        Map<String, Set<Gvk>> kinds = kinds(upstream);
        Set<String> reachable = reachable(all, kinds.keySet());
        ObjectNode definitions = NODES.objectNode();
        all.fieldNames().forEachRemaining(name -> {
            if (reachable.contains(name)) {
                ObjectNode definition = strip(all.get(name), name);
                Set<Gvk> gvks = kinds.get(name);
                if (gvks != null) {
                    ArrayNode list = definition.putArray("x-kubernetes-group-version-kind");
                    gvks.forEach(g -> list.addObject().put("group", g.group()).put("kind", g.kind())
                            .put("version", g.version()));
                }
                definitions.set(name, definition);
            }
        });
        ObjectNode doc = NODES.objectNode().put("swagger", "2.0");
        doc.set("info", info);
        doc.set("definitions", definitions);
        return doc;
    }

    /** The kinds the document's paths serve, by definition name, in document order. */
    static Map<String, Set<Gvk>> kinds(JsonNode upstream) {
        JsonNode definitions = upstream.path("definitions");
        Map<String, Set<Gvk>> kinds = new LinkedHashMap<>();
        upstream.path("paths").fields().forEachRemaining(path -> {
            String[] parts = path.getKey().split("/");
            String group;
            String version;
            if (parts.length > 3 && parts[1].equals("apis")) {
                group = parts[2];
                version = parts[3];
            } else if (parts.length > 2 && parts[1].equals("api")) {
                group = "";
                version = parts[2];
            } else {
                return;
            }
            for (String name : refs(path.getValue())) {
                JsonNode properties = definitions.path(name).path("properties");
                if (name.startsWith(version + ".") && name.indexOf('.') == version.length()
                        && properties.has("apiVersion") && properties.has("kind")) {
                    kinds.computeIfAbsent(name, n -> new TreeSet<>(Comparator.comparing(Gvk::group)))
                            .add(new Gvk(group, version, name.substring(version.length() + 1)));
                }
            }
        });
        return kinds;
    }

    /** {@code roots} and every definition they reach through {@code $ref}. */
    private static Set<String> reachable(JsonNode definitions, Set<String> roots) {
        Set<String> seen = new LinkedHashSet<>(roots);
        Deque<String> pending = new ArrayDeque<>(roots);
        while (!pending.isEmpty()) {
            for (String ref : refs(definitions.path(pending.pop()))) {
                if (!definitions.has(ref)) {
                    throw new IllegalStateException("$ref to missing definition " + ref);
                }
                if (seen.add(ref)) {
                    pending.add(ref);
                }
            }
        }
        return seen;
    }

    /** The definition names {@code node} refers to ({@code $ref: #/definitions/NAME}), at any depth. */
    private static Set<String> refs(JsonNode node) {
        Set<String> names = new LinkedHashSet<>();
        collectRefs(node, names);
        return names;
    }

    private static void collectRefs(JsonNode node, Set<String> names) {
        String ref = node.path("$ref").asText("");
        if (ref.startsWith(REF_PREFIX)) {
            names.add(ref.substring(REF_PREFIX.length()));
        }
        for (JsonNode child : node) {
            if (child.isContainerNode()) {
                collectRefs(child, names);
            }
        }
    }

    /** A copy of {@code schema} with only the {@link #KEPT} keywords, recursively; {@code where} names it in errors. */
    static ObjectNode strip(JsonNode schema, String where) {
        if (!schema.isObject()) {
            throw new IllegalStateException(where + ": a schema must be an object, not " + schema);
        }
        ObjectNode out = NODES.objectNode();
        schema.fields().forEachRemaining(e -> {
            String keyword = e.getKey();
            JsonNode value = e.getValue();
            if (KEPT.contains(keyword)) {
                out.set(keyword, value.deepCopy());
            } else if (keyword.equals("properties")) {
                ObjectNode properties = out.putObject("properties");
                value.fields().forEachRemaining(p -> properties.set(p.getKey(),
                        strip(p.getValue(), where + "." + p.getKey())));
            } else if (keyword.equals("items")) {
                out.set("items", strip(value, where + "[]"));
            } else if (keyword.equals("additionalProperties")) {
                out.set(keyword, value.isBoolean() ? value : strip(value, where + "{}"));
            } else if (!DROPPED.contains(keyword)) {
                throw new IllegalStateException(where + ": unknown schema keyword '" + keyword + "'; decide in "
                        + SwaggerStructure.class.getSimpleName() + " whether it is structural");
            }
        });
        return out;
    }
}
