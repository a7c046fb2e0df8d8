package dev.kvmigrate.common.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

/**
 * The Jackson mappers of kv-migrate, configured once. Every mapper reads and writes {@link java.util.Optional}
 * (Jackson's jdk8 module) and otherwise keeps Jackson's defaults unless its description says so.
 *
 * <p>The instances are shared and thread-safe: use them as they are, never reconfigure them. A caller that needs
 * more settings takes a {@code copy()} once (e.g. in a static field) and configures the copy.
 */
public final class Mappers {
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new Jdk8Module()).build();
    private static final YAMLMapper YAML = YAMLMapper.builder().addModule(new Jdk8Module()).build();
    private static final ObjectMapper PRETTY_JSON = JsonMapper.builder().addModule(new Jdk8Module())
            .enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final ObjectMapper STRICT_JSON = strict(JsonMapper.builder()).build();
    private static final YAMLMapper STRICT_YAML = strict(YAMLMapper.builder()).build();
    private static final YAMLMapper MANIFEST_YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .disable(YAMLGenerator.Feature.SPLIT_LINES)
                    .build())
            .addModule(new Jdk8Module())
            .build();

    private Mappers() {}

    /** JSON with Jackson's defaults: trees ({@code readTree}, {@code createObjectNode}), compact output. */
    public static ObjectMapper json() {
        return JSON;
    }

    /** YAML with Jackson's defaults ({@code ---} first, quoting as SnakeYAML likes): reading YAML or JSON trees. */
    public static YAMLMapper yaml() {
        return YAML;
    }

    /** JSON written indented, otherwise {@link #json()}. */
    public static ObjectMapper prettyJson() {
        return PRETTY_JSON;
    }

    /**
     * JSON for files people write, read strictly: an unknown property, a null for a primitive, a number for an enum
     * and anything after the value are errors.
     */
    public static ObjectMapper strictJson() {
        return STRICT_JSON;
    }

    /**
     * YAML (or JSON) for files people write (plans, mappings, inventories), read strictly: an unknown property, a
     * null for a primitive, a number for an enum and a second document are errors.
     */
    public static YAMLMapper strictYaml() {
        return STRICT_YAML;
    }

    /**
     * YAML as kv-migrate writes Kubernetes manifests, stable for diffs and golden files: no {@code ---} document
     * start, plain scalars where possible, strings that look like numbers quoted ({@code "8080"} stays a string),
     * long strings kept on one line; fields in the order they were built.
     */
    public static YAMLMapper manifestYaml() {
        return MANIFEST_YAML;
    }

    private static <M extends ObjectMapper, B extends com.fasterxml.jackson.databind.cfg.MapperBuilder<M, B>> B strict(
            B builder) {
        return builder.addModule(new Jdk8Module())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }
}
