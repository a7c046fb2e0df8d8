package dev.kvmigrate.inventory.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One network interface.
 *
 * @param name interface name or alias on the source ({@code net0}, oVirt {@code nic1}), when known
 * @param mac MAC address, lower case, when set
 * @param model NIC model ({@code virtio}, {@code e1000e}, {@code rtl8139}, oVirt {@code virtio}/{@code e1000}…)
 * @param type how it connects on the source
 * @param network the network, bridge, device or vNIC profile it attaches to, as the source names it
 * @param sourceMode macvtap mode or similar sub-mode, when set
 * @param plugged whether the NIC is plugged (oVirt can define unplugged NICs)
 */
public record Nic(Optional<String> name, Optional<String> mac, String model, NicType type, String network,
        Optional<String> sourceMode, boolean plugged) {
    public Nic {
        name = Objects.requireNonNullElse(name, Optional.empty());
        mac = Objects.requireNonNullElse(mac, Optional.empty());
        model = Objects.requireNonNullElse(model, "virtio");
        type = Objects.requireNonNullElse(type, NicType.OTHER);
        network = Objects.requireNonNullElse(network, "");
        sourceMode = Objects.requireNonNullElse(sourceMode, Optional.empty());
    }
}
