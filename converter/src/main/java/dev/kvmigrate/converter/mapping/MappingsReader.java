package dev.kvmigrate.converter.mapping;

import dev.kvmigrate.inventory.model.ReadErrors;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.json.Mappers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads {@code mappings.yaml} strictly: unknown keys, wrong types and invalid values are errors that name
 * {@code file:line:column} and the key path.
 */
public final class MappingsReader {
    private static final ObjectMapper YAML = Mappers.strictYaml();

    private MappingsReader() {}

    public static Mappings read(Path path) {
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            throw KvMigrateException.invalidInput("mappings file " + path + " does not exist; check the --map path",
                    e);
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read mappings file " + path + ": " + e.getMessage(), e);
        }
        return parse(text, path.toString());
    }

    /** Parses mappings YAML; {@code name} names the input in error messages. An empty document is no mapping. */
    public static Mappings parse(String yaml, String name) {
        if (yaml.isBlank()) {
            return Mappings.NONE;
        }
        try {
            Mappings m = YAML.readValue(yaml, Mappings.class);
            return m == null ? Mappings.NONE : m;
        } catch (JsonProcessingException e) {
            throw ReadErrors.invalidInput(name, e, "YAML", "see docs/mappings.md");
        }
    }
}
