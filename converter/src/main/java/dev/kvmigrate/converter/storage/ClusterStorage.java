package dev.kvmigrate.converter.storage;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the target cluster says about its storage: CDI's StorageProfiles (by storage class), CDIConfig's filesystem
 * overhead and the default storage class. The mapping functions from the API objects are pure.
 *
 * @param profiles StorageProfiles by storage class
 * @param overhead CDIConfig {@code status.filesystemOverhead}
 * @param defaultClass the StorageClass annotated {@code storageclass.kubernetes.io/is-default-class: "true"}
 */
public record ClusterStorage(Map<String, StorageProfile> profiles, FilesystemOverhead overhead,
        Optional<String> defaultClass) {
    public static final String DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

    public ClusterStorage {
        profiles = Map.copyOf(new TreeMap<>(Objects.requireNonNullElse(profiles, Map.of())));
        overhead = Objects.requireNonNullElse(overhead, FilesystemOverhead.DEFAULT);
        defaultClass = Objects.requireNonNullElse(defaultClass, Optional.empty());
    }

    /** The class a claim naming {@code storageClass} (absent: the default) lands on. */
    public Optional<String> classOf(Optional<String> storageClass) {
        return storageClass.or(() -> defaultClass);
    }

    /** The profile of the class a claim naming {@code storageClass} lands on. */
    public Optional<StorageProfile> profileOf(Optional<String> storageClass) {
        return classOf(storageClass).map(profiles::get);
    }

    /** The filesystem overhead of the class a claim naming {@code storageClass} lands on. */
    public FilesystemOverhead.Overhead overheadOf(Optional<String> storageClass) {
        return overhead.of(classOf(storageClass));
    }

    /** A StorageProfile object (as JSON) → its profile; the class is status.storageClass, else metadata.name. */
    public static StorageProfile profile(JsonNode storageProfile) {
        JsonNode status = storageProfile.path("status");
        String cls = text(status.path("storageClass")).orElseGet(() -> storageProfile.at("/metadata/name")
                .asText(""));
        List<ClaimPropertySet> sets = new ArrayList<>();
        for (JsonNode set : status.path("claimPropertySets")) {
            List<String> modes = new ArrayList<>();
            set.path("accessModes").forEach(m -> modes.add(m.asText()));
            sets.add(new ClaimPropertySet(modes, text(set.path("volumeMode"))));
        }
        return new StorageProfile(cls, text(status.path("provisioner")), sets);
    }

    /**
     * CDIConfig {@code config} (as JSON) → its {@code status.filesystemOverhead}; a value that is not a fraction in
     * [0, 1) is left out (CDI itself rejects it).
     */
    public static FilesystemOverhead overhead(JsonNode cdiConfig) {
        JsonNode fo = cdiConfig.path("status").path("filesystemOverhead");
        Map<String, BigDecimal> perClass = new TreeMap<>();
        fo.path("storageClass").fields().forEachRemaining(e -> fraction(e.getValue())
                .ifPresent(v -> perClass.put(e.getKey(), v)));
        return new FilesystemOverhead(fraction(fo.path("global")), perClass);
    }

    /** The cluster's storage facts from its StorageProfiles, CDIConfig (absent: none served) and default class. */
    public static ClusterStorage of(List<JsonNode> storageProfiles, Optional<JsonNode> cdiConfig,
            Optional<String> defaultClass) {
        Map<String, StorageProfile> profiles = new TreeMap<>();
        for (JsonNode p : storageProfiles) {
            StorageProfile profile = profile(p);
            if (!profile.storageClass().isEmpty()) {
                profiles.put(profile.storageClass(), profile);
            }
        }
        return new ClusterStorage(profiles, cdiConfig.map(ClusterStorage::overhead)
                .orElse(FilesystemOverhead.DEFAULT), defaultClass);
    }

    private static Optional<String> text(JsonNode n) {
        return n.isTextual() && !n.asText().isEmpty() ? Optional.of(n.asText()) : Optional.empty();
    }

    private static Optional<BigDecimal> fraction(JsonNode n) {
        Optional<String> t = n.isNumber() ? Optional.of(n.asText()) : text(n);
        try {
            return t.map(s -> new BigDecimal(s.trim())).filter(v -> v.signum() >= 0 && v.compareTo(BigDecimal.ONE) < 0);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
