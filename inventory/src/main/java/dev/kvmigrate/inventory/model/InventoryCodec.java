package dev.kvmigrate.inventory.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes the inventory file ({@code apiVersion: kv-migrate.dev/v1alpha1}, {@code kind: Inventory})
 * as JSON or YAML. Writing is deterministic (record order, sorted maps, empty values omitted) so two scans of
 * the same source diff cleanly; reading is strict (unknown fields are errors) and lossless.
 */
public final class InventoryCodec {
    /** Output format. */
    public enum Format {
        JSON,
        YAML;

        /** YAML for {@code .yaml}/{@code .yml}, JSON otherwise. */
        public static Format forPath(Path path) {
            String n = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            return n.endsWith(".yaml") || n.endsWith(".yml") ? YAML : JSON;
        }
    }

    private static final ObjectMapper JSON = configure(JsonMapper.builder().build());
    private static final ObjectMapper YAML = configure(YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .build())
            .build());

    private InventoryCodec() {}

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.registerModule(new Jdk8Module())
                .setSerializationInclusion(JsonInclude.Include.NON_EMPTY)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
    }

    /** The mapper used for a format: configured for the inventory model (Optional, ordering, strictness). */
    public static ObjectMapper mapper(Format format) {
        return format == Format.YAML ? YAML : JSON;
    }

    public static String write(Inventory inventory, Format format) {
        try {
            return mapper(format).writeValueAsString(inventory);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise inventory: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes atomically: a sibling temp file moved into place, so a failed write never leaves a half file that
     * looks like a good inventory.
     */
    public static void write(Inventory inventory, Path path) {
        String text = write(inventory, Format.forPath(path));
        Path dir = path.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, text);
                Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw KvMigrateException.io("cannot write inventory " + path + ": " + e.getMessage()
                    + "; check that the directory is writable", e);
        }
    }

    /** Reads an inventory file; JSON and YAML are both accepted whatever the extension. */
    public static Inventory read(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
        } catch (java.nio.file.NoSuchFileException e) {
            throw KvMigrateException.io("inventory " + path + " does not exist; run `kv-migrate inventory scan"
                    + " … --out " + path + "` first", e);
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read inventory " + path + ": " + e.getMessage(), e);
        }
    }

    /** Reads an inventory; {@code name} names the input in error messages. */
    public static Inventory read(InputStream in, String name) {
        Inventory inventory;
        try {
            // YAML is a superset of JSON: one reader serves both.
            inventory = YAML.readValue(in, Inventory.class);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("No content")) {
                throw KvMigrateException.invalidInput(name + ": empty file; expected an inventory written by"
                        + " `kv-migrate inventory scan`", e);
            }
            throw ReadErrors.invalidInput(name, e, "JSON/YAML", "");
        } catch (JsonProcessingException e) {
            throw ReadErrors.invalidInput(name, e, "JSON/YAML", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (inventory == null) {
            throw KvMigrateException.invalidInput(name + ": empty file; expected an inventory written by"
                    + " `kv-migrate inventory scan`");
        }
        if (!Inventory.API_VERSION.equals(inventory.apiVersion()) || !Inventory.KIND.equals(inventory.kind())) {
            throw KvMigrateException.invalidInput(name + ": apiVersion/kind is " + inventory.apiVersion() + "/"
                    + inventory.kind() + ", expected " + Inventory.API_VERSION + "/" + Inventory.KIND
                    + "; scan the source again with this version of kv-migrate");
        }
        return inventory;
    }
}
