package dev.kvmigrate.schemagen;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.json.Mappers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes the OpenAPI schemas {@code kv-migrate validate} ships: the structural part of each KubeVirt release's and
 * CDI's Swagger document in {@code ../shared/schemas} ({@link SwaggerStructure}), strict schemas of the Kubernetes
 * kinds kv-migrate writes derived from fabric8's model ({@link Fabric8Schemas}), an {@code index.json} the loader
 * reads and a {@code SOURCES.md} naming each file's origin and licence. Output is compact JSON and byte-for-byte
 * reproducible.
 *
 * <p>Usage: {@code SchemaGen SHARED_SCHEMAS_DIR OUT_DIR}; {@code tools/gen-schemas} runs it into {@link #RESOURCES}.
 */
public final class SchemaGen {
    /** Where the converter loads the bundled schemas from, relative to the repository root. */
    public static final String RESOURCES = "converter/src/main/resources/dev/kvmigrate/converter/validate/schemas";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String CDI_VERSION = "v1.66";

    /**
     * One generated document.
     *
     * @param file its file name
     * @param label what it holds, as reports name it ({@code KubeVirt v1.9.0})
     * @param kubevirtVersion the KubeVirt release, for a KubeVirt document
     * @param origin where its content comes from
     * @param licence the licence of that content
     * @param document the Swagger 2.0 document
     */
    private record Output(String file, String label, Optional<String> kubevirtVersion, String origin, String licence,
            ObjectNode document) {}

    private SchemaGen() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: SchemaGen SHARED_SCHEMAS_DIR OUT_DIR   (tools/gen-schemas runs it)");
            System.exit(2);
        }
        Path out = Path.of(args[1]);
        write(generate(Path.of(args[0])), out).forEach((name, size) ->
                System.out.printf("%9d  %s%n", size, out.resolve(name)));
    }

    /** Every bundled file by name: the documents, {@code index.json} and {@code SOURCES.md}. */
    public static SortedMap<String, byte[]> generate(Path sharedSchemas) throws IOException {
        List<Output> outputs = new ArrayList<>();
        for (KubevirtReleases.Release r : KubevirtReleases.read(sharedSchemas.resolve("kubevirt"))) {
            outputs.add(upstream("kubevirt-" + r.minor() + ".json", "KubeVirt", r.version(), Optional.of(r.version()),
                    r.origin(), r.licence(), r.document()));
        }
        outputs.add(upstream("cdi-" + CDI_VERSION + ".json", "CDI", CDI_VERSION, Optional.empty(),
                "kubevirt/containerized-data-importer (" + CDI_VERSION + "):api/openapi-spec/swagger.json",
                "Apache-2.0", sharedSchemas.resolve("cdi-swagger.json")));
        outputs.add(kubernetes());
        SortedMap<String, byte[]> files = new TreeMap<>();
        for (Output o : outputs) {
            files.put(o.file(), json(o.document()));
        }
        files.put("index.json", json(index(outputs)));
        files.put("SOURCES.md", sources(outputs).getBytes(UTF_8));
        return files;
    }

    /** Writes {@code files} into {@code dir} and removes every other file there; returns each file's size. */
    public static SortedMap<String, Long> write(SortedMap<String, byte[]> files, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> present = Files.list(dir)) {
            for (Path stale : present.filter(p -> !files.containsKey(p.getFileName().toString())).toList()) {
                Files.delete(stale);
            }
        }
        SortedMap<String, Long> sizes = new TreeMap<>();
        for (var f : files.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
            sizes.put(f.getKey(), (long) f.getValue().length);
        }
        return sizes;
    }

    private static Output upstream(String file, String title, String version, Optional<String> kubevirtVersion,
            String origin, String licence, Path document) throws IOException {
        JsonNode upstream = Mappers.json().readTree(document.toFile());
        return new Output(file, title + " " + version, kubevirtVersion, origin, licence,
                SwaggerStructure.of(upstream, info(title + " API (structural part)", version, origin, licence)));
    }

    private static Output kubernetes() {
        String fabric8 = KubernetesKinds.fabric8Version();
        String origin = "io.fabric8:" + String.join(", ", KubernetesKinds.ARTIFACTS) + " " + fabric8
                + ": typed model classes of "
                + String.join(", ", KubernetesKinds.apiVersions()) + " (" + String.join(", ", KubernetesKinds.names())
                + ")";
        ObjectNode doc = NODES.objectNode().put("swagger", "2.0");
        doc.set("info", info("Kubernetes API (kinds kv-migrate writes, strict)", "fabric8 " + fabric8, origin,
                "Apache-2.0"));
        doc.set("definitions", Fabric8Schemas.definitions(KubernetesKinds.KINDS));
        return new Output("kubernetes.json", "Kubernetes (fabric8 " + fabric8 + ")", Optional.empty(), origin,
                "Apache-2.0", doc);
    }

    private static ObjectNode info(String title, String version, String origin, String licence) {
        ObjectNode info = NODES.objectNode().put("title", title).put("version", version);
        info.putObject("license").put("name", licence);
        info.put("x-source", origin);
        return info;
    }

    /** {@code {"kubevirt":[{version,label,file}…],"always":[{label,file}…]}}: what the loader offers and loads. */
    private static ObjectNode index(List<Output> outputs) {
        ObjectNode index = NODES.objectNode();
        ArrayNode kubevirt = index.putArray("kubevirt");
        ArrayNode always = index.putArray("always");
        for (Output o : outputs) {
            ObjectNode entry = o.kubevirtVersion().isPresent()
                    ? kubevirt.addObject().put("version", o.kubevirtVersion().get()) : always.addObject();
            entry.put("label", o.label()).put("file", o.file());
        }
        return index;
    }

    private static String sources(List<Output> outputs) {
        StringBuilder s = new StringBuilder("""
                # Bundled OpenAPI schemas

                Generated by `tools/gen-schemas` (module `schemagen`, `dev.kvmigrate.schemagen.SchemaGen`) from
                `../shared/schemas` and fabric8's Kubernetes model; do not edit by hand. `BundledSchemasUpToDateTest`
                fails when these files differ from what the generator writes.

                Each document is Swagger 2.0 with the structural part only: types, properties, items,
                additionalProperties, $ref, required, enum, format, `x-kubernetes-int-or-string`,
                `x-kubernetes-preserve-unknown-fields` and each kind's `x-kubernetes-group-version-kind`; no
                descriptions, defaults or paths. `kubernetes.json` is strict: a field fabric8's typed model does not
                have is an unknown field.

                | file | schemas of | taken from | licence |
                |---|---|---|---|
                """);
        for (Output o : outputs) {
            s.append("| `").append(o.file()).append("` | ").append(o.label()).append(" | ").append(o.origin())
                    .append(" | ").append(o.licence()).append(" |\n");
        }
        s.append("""

                `index.json` lists them for the loader (`dev.kvmigrate.converter.validate.SchemaSet.bundled`).

                Regenerate (from the repository root, with `../shared` beside the checkout; extra arguments go to
                Maven, e.g. `-o`):

                ```sh
                tools/gen-schemas
                ```
                """);
        return s.toString();
    }

    private static byte[] json(JsonNode node) throws IOException {
        return (Mappers.json().writeValueAsString(node) + "\n").getBytes(UTF_8);
    }
}
