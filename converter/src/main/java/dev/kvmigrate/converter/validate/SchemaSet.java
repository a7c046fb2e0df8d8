package dev.kvmigrate.converter.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.json.Mappers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * OpenAPI schemas by apiVersion + kind: Swagger 2.0 documents (KubeVirt, CDI, an API server's {@code /openapi/v2},
 * those shipped with kv-migrate: {@link #bundled(String)}) and CRDs' {@code openAPIV3Schema}. Validation uses
 * networknt json-schema-validator (draft 4, the dialect Swagger 2.0 schemas are written in).
 *
 * <p>Swagger object definitions rarely say {@code additionalProperties: false}, yet the API server prunes or
 * rejects unknown fields: every object schema that declares {@code properties} is closed when loaded, unless it
 * already says what extra properties may be, or is marked {@code x-kubernetes-preserve-unknown-fields}. Free-form
 * maps (labels, annotations, resource lists) declare {@code additionalProperties} and stay open.
 */
public final class SchemaSet {
    private static final ObjectMapper JSON = Mappers.json();
    private static final ObjectMapper YAML = Mappers.yaml();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);

    /** One loaded document: its closed definitions and the group/versions its paths serve. */
    private record Doc(String id, ObjectNode definitions, Map<String, String> gvkIndex) {}

    private final List<Doc> docs;
    private final Map<String, Optional<Schema>> cache = new ConcurrentHashMap<>();

    private SchemaSet(List<Doc> docs) {
        this.docs = List.copyOf(docs);
    }

    public static SchemaSet of(List<Path> paths) {
        List<Doc> docs = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.list(path)) {
                    for (Path f : files.filter(SchemaSet::isSchemaFile).sorted().toList()) {
                        docs.addAll(load(f));
                    }
                } catch (IOException e) {
                    throw KvMigrateException.io("cannot list schema directory " + path + ": " + e.getMessage(), e);
                }
            } else {
                docs.addAll(load(path));
            }
        }
        return new SchemaSet(docs);
    }

    /**
     * Schemas from an API server's {@code /openapi/v2} document; none when the answer holds no {@code definitions}
     * object (a server that does not publish OpenAPI v2).
     */
    public static SchemaSet ofSwagger(String id, JsonNode swagger) {
        if (!swagger.path("definitions").isObject()) {
            return new SchemaSet(List.of());
        }
        return new SchemaSet(List.of(swaggerDoc(id, swagger)));
    }

    /**
     * The schemas shipped with kv-migrate for a KubeVirt release ({@code 1.9}, {@code v1.9} or {@code v1.9.0}; see
     * {@link #bundledVersions()}): its API, CDI's and the Kubernetes kinds kv-migrate writes. A release not shipped
     * is an {@link dev.kvmigrate.common.ExitCode#INVALID_INPUT} error naming those that are.
     */
    public static SchemaSet bundled(String kubevirtVersion) {
        return BundledSchemas.load(kubevirtVersion);
    }

    /** {@link #bundled(String)} for the newest KubeVirt release shipped. */
    public static SchemaSet bundled() {
        List<String> versions = bundledVersions();
        return bundled(versions.get(versions.size() - 1));
    }

    /** The KubeVirt releases whose schemas are shipped, oldest first, e.g. {@code v1.9.0}. */
    public static List<String> bundledVersions() {
        return BundledSchemas.versions();
    }

    /** This set followed by {@code other}: this set's schemas win. */
    public SchemaSet with(SchemaSet other) {
        List<Doc> all = new ArrayList<>(docs);
        all.addAll(other.docs);
        return new SchemaSet(all);
    }

    public boolean isEmpty() {
        return docs.isEmpty();
    }

    /**
     * Where the schemas come from, first match first: a file's path, the cluster's OpenAPI URL, or
     * {@code bundled KubeVirt v1.9.0} and the like.
     */
    public List<String> sources() {
        return docs.stream().map(Doc::id).toList();
    }

    private static boolean isSchemaFile(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".json") || n.endsWith(".yaml") || n.endsWith(".yml");
    }

    private static List<Doc> load(Path path) {
        JsonNode root;
        try {
            String text = Files.readString(path);
            root = path.toString().endsWith(".json") ? JSON.readTree(text) : YAML.readTree(text);
        } catch (java.nio.file.NoSuchFileException e) {
            throw KvMigrateException.invalidInput("schema " + path + " does not exist; check --schema", e);
        } catch (IOException e) {
            throw KvMigrateException.invalidInput("schema " + path + " is not valid JSON/YAML: " + e.getMessage()
                    + "; pass a swagger.json, a directory of them, or a CRD YAML", e);
        }
        if (root != null && root.has("definitions")) {
            return List.of(swaggerDoc(path.toString(), root));
        }
        if (root != null && "CustomResourceDefinition".equals(root.path("kind").asText())) {
            return List.of(crdDoc(path.toString(), root));
        }
        throw KvMigrateException.invalidInput("schema " + path + " has neither Swagger 'definitions' nor a"
                + " CustomResourceDefinition; pass a swagger.json, a directory of them, or a CRD YAML");
    }

    private static Doc swaggerDoc(String id, JsonNode root) {
        ObjectNode defs = root.path("definitions").deepCopy();
        Map<String, String> index = new HashMap<>();
        List<String> served = new ArrayList<>();
        root.path("paths").fieldNames().forEachRemaining(p -> {
            String[] parts = p.split("/");
            if (parts.length > 3 && parts[1].equals("apis")) {
                served.add(parts[2] + "/" + parts[3]);
            } else if (parts.length > 2 && parts[1].equals("api")) {
                served.add(parts[2]);
            }
        });
        defs.fields().forEachRemaining(e -> {
            for (JsonNode gvk : e.getValue().path("x-kubernetes-group-version-kind")) {
                String group = gvk.path("group").asText("");
                String apiVersion = (group.isEmpty() ? "" : group + "/") + gvk.path("version").asText();
                index.putIfAbsent(apiVersion + "|" + gvk.path("kind").asText(), e.getKey());
            }
            close(e.getValue());
        });
        // Without GVK annotations (KubeVirt, CDI): definition "<version>.<Kind>" of a group/version the paths serve.
        for (String apiVersion : served) {
            String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
            defs.fieldNames().forEachRemaining(name -> {
                if (name.startsWith(version + ".") && name.indexOf('.') == version.length()) {
                    index.putIfAbsent(apiVersion + "|" + name.substring(version.length() + 1), name);
                }
            });
        }
        return new Doc(id, defs, index);
    }

    private static Doc crdDoc(String id, JsonNode crd) {
        ObjectNode defs = JSON.createObjectNode();
        Map<String, String> index = new HashMap<>();
        String group = crd.path("spec").path("group").asText();
        String kind = crd.path("spec").path("names").path("kind").asText();
        for (JsonNode v : crd.path("spec").path("versions")) {
            JsonNode schema = v.path("schema").path("openAPIV3Schema");
            if (schema.isObject()) {
                String name = "crd." + group + "." + v.path("name").asText() + "." + kind;
                ObjectNode copy = schema.deepCopy();
                close(copy);
                defs.set(name, copy);
                index.put(group + "/" + v.path("name").asText() + "|" + kind, name);
            }
        }
        return new Doc(id, defs, index);
    }

    /**
     * Adds {@code additionalProperties: false} to every object schema with properties, recursively, spells
     * {@code x-kubernetes-int-or-string} (and Swagger's {@code format: int-or-string}) as {@code anyOf} integer or
     * string, and drops the Kubernetes extension
     * keywords ({@code x-kubernetes-*}, {@code nullable}) the draft-4 validator does not know.
     */
    static void close(JsonNode schema) {
        if (!(schema instanceof ObjectNode o)) {
            if (schema.isArray()) {
                schema.forEach(SchemaSet::close);
            }
            return;
        }
        if (o.has("properties") && !o.has("additionalProperties")
                && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            o.put("additionalProperties", false);
        }
        // Swagger 2.0 writes IntOrString as {type: string, format: int-or-string}; the API server takes either
        if (o.path("format").asText("").equals("int-or-string")) {
            o.remove("type");
            o.remove("format");
            o.put("x-kubernetes-int-or-string", true);
        }
        if (o.path("x-kubernetes-int-or-string").asBoolean(false) && !o.has("anyOf")) {
            ArrayNode anyOf = o.putArray("anyOf");
            anyOf.addObject().put("type", "integer");
            anyOf.addObject().put("type", "string");
        }
        o.remove("nullable");
        List<String> extensions = new ArrayList<>();
        o.fieldNames().forEachRemaining(n -> {
            if (n.startsWith("x-kubernetes-")) {
                extensions.add(n);
            }
        });
        o.remove(extensions);
        Iterator<Map.Entry<String, JsonNode>> it = o.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("properties")) {
                e.getValue().forEach(SchemaSet::close);
            } else if (e.getValue().isContainerNode() && !e.getKey().equals("enum") && !e.getKey().equals("default")
                    && !e.getKey().equals("example")) {
                close(e.getValue());
            }
        }
    }

    /** The schema for {@code apiVersion} + {@code kind}, or empty when no loaded document defines it. */
    public Optional<Schema> schemaFor(String apiVersion, String kind) {
        return cache.computeIfAbsent(apiVersion + "|" + kind, key -> {
            for (Doc d : docs) {
                String def = d.gvkIndex().get(key);
                if (def != null) {
                    ObjectNode root = JSON.createObjectNode();
                    root.put("$ref", "#/definitions/" + def);
                    root.set("definitions", d.definitions());
                    return Optional.of(REGISTRY.getSchema(SchemaLocation.of("urn:kv-migrate:" + d.id().hashCode()
                            + ":" + def), root));
                }
            }
            return Optional.empty();
        });
    }
}
