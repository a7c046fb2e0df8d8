package dev.kvmigrate.converter.gpu;

import dev.kvmigrate.converter.gpu.ClusterGpus.PermittedDevice;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The name a cluster gives a device, when it has one: the cluster is the truth for device-plugin names. Pure.
 *
 * <p>In order: the KubeVirt CR's {@code permittedHostDevices} entry whose selector is the device's
 * ({@code mdevNameSelector} = the vGPU type name, {@code pciVendorSelector} = the PCI {@code vendor:device},
 * compared without regard to case) — an admin may give any {@code resourceName}; then a resource the nodes advertise
 * that differs from the derived name only in case: NVIDIA's device plugin kept the pci.ids case before 2022
 * ({@code nvidia.com/TU104GL_Tesla_T4}, today {@code nvidia.com/TU104GL_TESLA_T4}).
 */
public final class ClusterNames {
    private ClusterNames() {}

    /** A cluster's name for a device and where it was found, for the concern that reports it. */
    public record Named(String resource, String source) {}

    /**
     * The cluster's name for a device.
     *
     * @param mediated whether the device is an mdev (vGPU, mediated host device), else PCI
     * @param mdevTypeName the mdev type name ({@code GRID T4-1Q})
     * @param vendorDevice the PCI {@code vendor:device}
     * @param derived the name kv-migrate derived or was given, if any
     */
    public static Optional<Named> lookup(boolean mediated, Optional<String> mdevTypeName,
            Optional<String> vendorDevice, Optional<String> derived, ClusterGpus cluster) {
        PermittedDevice.Kind kind = mediated ? PermittedDevice.Kind.MDEV : PermittedDevice.Kind.PCI;
        Optional<String> key = mediated ? mdevTypeName.map(ClusterNames::normalise) : vendorDevice;
        if (key.isPresent()) {
            List<PermittedDevice> entries = cluster.permitted().stream().filter(p -> p.kind() == kind)
                    .filter(p -> (mediated ? normalise(p.selector()) : p.selector()).equalsIgnoreCase(key.get()))
                    .toList();
            // several entries for one selector (VFs of one card under several names): keep the derived one if listed
            Optional<PermittedDevice> entry = entries.stream()
                    .filter(p -> derived.map(p.resourceName()::equals).orElse(false)).findFirst()
                    .or(() -> entries.stream().findFirst());
            if (entry.isPresent()) {
                return Optional.of(new Named(entry.get().resourceName(), "the KubeVirt CR's "
                        + (mediated ? "mdevNameSelector" : "pciVendorSelector") + " '" + entry.get().selector()
                        + "'"));
            }
        }
        if (derived.isEmpty() || cluster.allocatable().containsKey(derived.get())) {
            return Optional.empty();
        }
        return caseTwin(derived.get(), cluster.allocatable().keySet()).map(r -> new Named(r, "the nodes'"
                + " allocatable resources (NVIDIA's device plugin kept the pci.ids case before 2022)"));
    }

    /**
     * The name among {@code known} that differs from {@code name} only in case ({@code nvidia.com/TU104GL_Tesla_T4}
     * for {@code nvidia.com/TU104GL_TESLA_T4}), the first in order when several do.
     */
    public static Optional<String> caseTwin(String name, Collection<String> known) {
        return known.stream().filter(k -> !k.equals(name) && k.equalsIgnoreCase(name)).sorted().findFirst();
    }

    /** Whitespace runs as one space, trimmed: mdev type names are compared so. */
    private static String normalise(String name) {
        return name.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
