package dev.kvmigrate.inventory.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the VM runs on the source, and how it is kept running.
 *
 * @param cluster source cluster (oVirt), when any
 * @param host host the VM runs or is pinned on, when known
 * @param highAvailability the source restarts it on failure (oVirt HA)
 */
public record Placement(Optional<String> cluster, Optional<String> host, boolean highAvailability) {
    public static final Placement NONE = new Placement(Optional.empty(), Optional.empty(), false);

    public Placement {
        cluster = Objects.requireNonNullElse(cluster, Optional.empty());
        host = Objects.requireNonNullElse(host, Optional.empty());
    }
}
