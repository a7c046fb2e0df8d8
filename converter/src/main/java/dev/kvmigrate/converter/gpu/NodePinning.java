package dev.kvmigrate.converter.gpu;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code nodeSelector} a VM gets from its devices' node groups. Only an SR-IOV vGPU pins its VM: KubeVirt's PCI
 * plugin advertises VFs of every profile under one resource, so the node group is what picks the profile; a
 * device-plugin vGPU type or a passthrough GPU needs no pin, its resource is only on nodes that have it. Pure.
 */
public final class NodePinning {
    private NodePinning() {}

    /**
     * The merged labels, or the conflict: two pinning devices that ask for different values of one label.
     *
     * @param labels the node selector (empty: not pinned)
     * @param conflict what contradicts, for the blocker
     */
    public record Pin(Map<String, String> labels, Optional<String> conflict) {}

    /** Whether this device pins its VM to its node group. */
    public static boolean pins(DeviceRequest d) {
        return d.kubevirtProvided() && !d.nodeSelector().isEmpty();
    }

    public static Pin of(List<DeviceRequest> devices) {
        Map<String, String> labels = new TreeMap<>();
        for (DeviceRequest d : devices) {
            if (!pins(d)) {
                continue;
            }
            for (Map.Entry<String, String> e : d.nodeSelector().entrySet()) {
                String before = labels.putIfAbsent(e.getKey(), e.getValue());
                if (before != null && !before.equals(e.getValue())) {
                    return new Pin(Map.of(), Optional.of("label " + e.getKey() + " is " + before + " for one GPU and "
                            + e.getValue() + " for " + d.resource()));
                }
            }
        }
        return new Pin(labels, Optional.empty());
    }
}
