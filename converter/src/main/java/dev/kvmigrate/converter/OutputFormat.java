package dev.kvmigrate.converter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.json.Mappers;
import java.util.function.Supplier;

/**
 * How manifests are rendered: stable YAML (field order as built, minimal quoting) or indented JSON. The mapper is
 * looked up when rendering, not when the enum is loaded: the CLI's option parser loads every enum it offers, and
 * building Jackson's mappers then would slow every command's start-up.
 */
public enum OutputFormat {
    YAML("yaml", Mappers::manifestYaml),
    JSON("json", Mappers::prettyJson);

    private final String extension;
    private final Supplier<ObjectMapper> mapper;

    OutputFormat(String extension, Supplier<ObjectMapper> mapper) {
        this.extension = extension;
        this.mapper = mapper;
    }

    public String extension() {
        return extension;
    }

    public String render(JsonNode tree) {
        try {
            String s = mapper.get().writeValueAsString(tree);
            return s.endsWith("\n") ? s : s + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render manifest: " + e.getOriginalMessage(), e);
        }
    }

    /** A file name with this format's extension in place of {@code .yaml}. */
    public String fileName(String yamlName) {
        return yamlName.endsWith(".yaml") ? yamlName.substring(0, yamlName.length() - 5) + "." + extension
                : yamlName;
    }
}
