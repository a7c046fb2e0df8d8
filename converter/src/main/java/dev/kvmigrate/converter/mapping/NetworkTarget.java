package dev.kvmigrate.converter.mapping;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a source network (libvirt network, bridge, direct device, oVirt vNIC profile) lands.
 *
 * @param type pod network with masquerade, a Multus bridge NetworkAttachmentDefinition, or an SR-IOV one
 * @param nad the NetworkAttachmentDefinition as {@code namespace/name} or {@code name}; required for bridge and
 *     SR-IOV, forbidden for pod
 */
public record NetworkTarget(Type type, Optional<String> nad) {
    /** Kinds of target network. */
    public enum Type {
        @JsonProperty("pod") POD,
        @JsonProperty("bridge") BRIDGE,
        @JsonProperty("sriov") SRIOV
    }

    public static final NetworkTarget POD_NETWORK = new NetworkTarget(Type.POD, Optional.empty());

    public NetworkTarget {
        Objects.requireNonNull(type, "network type (pod, bridge or sriov) is missing");
        nad = Objects.requireNonNullElse(nad, Optional.empty());
        if (type == Type.POD && nad.isPresent()) {
            throw new IllegalArgumentException("a pod network takes no nad; remove 'nad' or use type bridge/sriov");
        }
        if (type != Type.POD && nad.map(String::isBlank).orElse(true)) {
            throw new IllegalArgumentException("network type " + type.name().toLowerCase(java.util.Locale.ROOT)
                    + " needs 'nad: namespace/name' naming its NetworkAttachmentDefinition");
        }
    }

    public static NetworkTarget multus(Type type, String nad) {
        return new NetworkTarget(type, Optional.of(nad));
    }
}
