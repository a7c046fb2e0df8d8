package dev.kvmigrate.inventory.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.io.AtomicFile;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.inventory.concern.LegacyConcernCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads and writes the inventory file ({@code apiVersion: kv-migrate.dev/v1alpha3}, {@code kind: Inventory})
 * as JSON or YAML. Writing is deterministic (record order, sorted maps, empty values omitted) so two scans of
 * the same source diff cleanly; reading is strict (unknown fields are errors) and lossless.
 *
 * <p>Only the current version is written. Older files are read and upgraded: a {@value #V1ALPHA2} file is a
 * subset of this version (v1alpha3 added the SR-IOV vGPU kind, a GPU's physical function and inferred class, and
 * host devices' {@code companionOf}), so it reads as is; a {@value #V1ALPHA1} file (the same structure, older
 * concern codes) has its concerns passed through {@link LegacyConcernCodes#fromV1alpha1}.
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

    private static final ObjectMapper JSON = deterministic(Mappers.strictJson().copy());
    // Written like manifests (no "---", minimal quotes), except that long strings are folded over lines; read as
    // strictly as Mappers.strictYaml() reads (its settings repeated: a YAML mapper cannot be copied onto another
    // factory, and only a factory sets the quoting).
    private static final ObjectMapper YAML = deterministic(YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .stringQuotingChecker(new SexagesimalQuoting())
                    .build())
            .addModule(new Jdk8Module())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                    DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build());

    /**
     * Also quotes strings of digits and colons: YAML 1.1 (SnakeYAML) reads a plain {@code 0000:03:00.0} — a PCI
     * address without hex letters — as a base-60 number, so it would not read back as the string it was.
     */
    private static final class SexagesimalQuoting extends StringQuotingChecker.Default {
        private static final long serialVersionUID = 1L;
        private static final Pattern SEXAGESIMAL = Pattern.compile("[-+]?[0-9][0-9_]*(:[0-9_]+)+(\\.[0-9_]*)?");

        @Override
        public boolean needToQuoteValue(String value) {
            return super.needToQuoteValue(value) || SEXAGESIMAL.matcher(value).matches();
        }
    }

    /** The first format version: read and upgraded (concern codes renamed), never written. */
    public static final String V1ALPHA1 = "kv-migrate.dev/v1alpha1";
    /** The previous format version: read and upgraded (a subset of this one), never written. */
    public static final String V1ALPHA2 = "kv-migrate.dev/v1alpha2";

    private InventoryCodec() {}

    /** Strict reading (from the base mapper) plus deterministic writing: sorted maps, empty values omitted. */
    private static ObjectMapper deterministic(ObjectMapper mapper) {
        return mapper.setSerializationInclusion(JsonInclude.Include.NON_EMPTY)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
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
        AtomicFile.write(path, write(inventory, Format.forPath(path)));
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
        boolean known = Inventory.API_VERSION.equals(inventory.apiVersion())
                || V1ALPHA2.equals(inventory.apiVersion()) || V1ALPHA1.equals(inventory.apiVersion());
        if (!known || !Inventory.KIND.equals(inventory.kind())) {
            throw KvMigrateException.invalidInput(name + ": apiVersion/kind is " + inventory.apiVersion() + "/"
                    + inventory.kind() + ", expected " + Inventory.API_VERSION + "/" + Inventory.KIND + " (or "
                    + V1ALPHA2 + " or " + V1ALPHA1 + ", which are upgraded); scan the source again with this"
                    + " version of kv-migrate");
        }
        if (V1ALPHA1.equals(inventory.apiVersion())) {
            return fromV1alpha1(inventory, name);
        }
        return V1ALPHA2.equals(inventory.apiVersion()) ? new Inventory(Inventory.API_VERSION, inventory.kind(),
                inventory.source(), inventory.scannedAt(), inventory.vms()) : inventory;
    }

    /**
     * A v1alpha1 inventory as this version: the same structure, with its concerns renamed or dropped. The VMs go
     * through a tree so that every other field is carried whatever the model holds.
     */
    static Inventory fromV1alpha1(Inventory old, String name) {
        ObjectNode tree = JSON.valueToTree(old);
        tree.put("apiVersion", Inventory.API_VERSION);
        JsonNode vms = tree.path("vms");
        for (int i = 0; i < old.vms().size(); i++) {
            List<Concern> concerns = old.vms().get(i).concerns().stream().map(LegacyConcernCodes::fromV1alpha1)
                    .flatMap(Optional::stream).toList();
            ((ObjectNode) vms.get(i)).set("concerns", JSON.valueToTree(concerns));
        }
        try {
            return JSON.treeToValue(tree, Inventory.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // a v1alpha1 file missing what this version requires (a VM without an id): the file's fault
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw KvMigrateException.invalidInput(name + ": this " + V1ALPHA1 + " inventory cannot be upgraded to "
                    + Inventory.API_VERSION + " (" + why + "); scan the source again with this version of"
                    + " kv-migrate", e);
        }
    }
}
