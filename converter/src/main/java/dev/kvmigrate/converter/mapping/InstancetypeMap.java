package dev.kvmigrate.converter.mapping;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Instancetype/preference choices: a default and per source VM name; a VM entry replaces the default whole. */
public record InstancetypeMap(@JsonProperty("default") InstancetypeChoice defaults, Map<String, InstancetypeChoice> vms) {
    public static final InstancetypeMap NONE = new InstancetypeMap(InstancetypeChoice.NONE, Map.of());

    public InstancetypeMap {
        defaults = Objects.requireNonNullElse(defaults, InstancetypeChoice.NONE);
        vms = Map.copyOf(new TreeMap<>(Objects.requireNonNullElse(vms, Map.of())));
    }

    public InstancetypeChoice forVm(String sourceName) {
        return vms.getOrDefault(sourceName, defaults);
    }
}
