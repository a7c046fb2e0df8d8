package dev.kvmigrate.converter.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.json.Mappers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The schemas shipped on the classpath under {@code schemas/} beside this class, as its {@code index.json} lists
 * them: one document per KubeVirt release, and the CDI and Kubernetes documents every release is checked with.
 * kv-migrate-schemagen writes them; {@code schemas/SOURCES.md} names their origins.
 */
final class BundledSchemas {
    private static final String DIR = "schemas/";
    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.\\d+)?");
    private static final JsonNode INDEX = read("index.json");

    private BundledSchemas() {}

    /** The KubeVirt releases shipped, oldest first, e.g. {@code v1.9.0}. */
    static List<String> versions() {
        List<String> versions = new ArrayList<>();
        INDEX.path("kubevirt").forEach(e -> versions.add(e.path("version").asText()));
        return versions;
    }

    /**
     * The schemas of the KubeVirt release {@code requested} names ({@code 1.9}, {@code v1.9} or {@code v1.9.0}; a
     * patch release stands for its minor release, whose API it shares), then CDI's and Kubernetes'.
     */
    static SchemaSet load(String requested) {
        JsonNode release = release(requested);
        SchemaSet set = document(release);
        for (JsonNode always : INDEX.path("always")) {
            set = set.with(document(always));
        }
        return set;
    }

    private static JsonNode release(String requested) {
        Matcher m = VERSION.matcher(requested.trim());
        if (m.matches()) {
            String minor = "v" + m.group(1) + "." + m.group(2) + ".";
            for (JsonNode e : INDEX.path("kubevirt")) {
                if (e.path("version").asText().startsWith(minor)) {
                    return e;
                }
            }
        }
        throw KvMigrateException.invalidInput("no bundled schemas for KubeVirt " + requested + "; bundled: "
                + String.join(", ", versions()) + " (pass another release's swagger.json with --schema, or check"
                + " against the cluster with --from-cluster)");
    }

    private static SchemaSet document(JsonNode entry) {
        return SchemaSet.ofSwagger("bundled " + entry.path("label").asText(), read(entry.path("file").asText()));
    }

    private static JsonNode read(String file) {
        try (InputStream in = BundledSchemas.class.getResourceAsStream(DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("bundled schema " + DIR + file + " is missing from the classpath");
            }
            return Mappers.json().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled schema " + DIR + file, e);
        }
    }
}
