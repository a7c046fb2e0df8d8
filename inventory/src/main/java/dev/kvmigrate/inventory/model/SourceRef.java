package dev.kvmigrate.inventory.model;

import java.util.Objects;

/**
 * Where something came from.
 *
 * @param kind the kind of source
 * @param location the libvirt URI, engine API URL, OVA path or dump directory, exactly as given
 */
public record SourceRef(SourceKind kind, String location) {
    public SourceRef {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(location, "location");
    }
}
