package dev.kvmigrate.converter.mapping;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Storage rules: a default, then per source pool / oVirt storage domain, then per disk ({@code vm/target}, e.g.
 * {@code render-02/vdb}); the most specific wins field by field.
 */
public record StorageMap(@JsonProperty("default") StorageRule defaults, Map<String, StorageRule> pools, Map<String, StorageRule> disks) {
    public static final StorageMap NONE = new StorageMap(StorageRule.NONE, Map.of(), Map.of());

    public StorageMap {
        defaults = Objects.requireNonNullElse(defaults, StorageRule.NONE);
        pools = Map.copyOf(new TreeMap<>(Objects.requireNonNullElse(pools, Map.of())));
        disks = Map.copyOf(new TreeMap<>(Objects.requireNonNullElse(disks, Map.of())));
    }
}
