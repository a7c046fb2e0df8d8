package dev.kvmigrate.converter.gpu;

import dev.kvmigrate.converter.gpu.dra.DraFit;
import dev.kvmigrate.converter.mapping.DraMapping;
import dev.kvmigrate.converter.mapping.GpuTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code gpuTarget: auto} from what the cluster runs. Pure.
 *
 * <p>DRA when all of: KubeVirt has {@code GPUsWithDRA} on (Beta and on by default from v1.9 unless listed in
 * {@code disabledFeatureGates}; before v1.9 only when listed in {@code featureGates}), the DeviceClass the claims
 * name exists (NVIDIA's DRA driver installs {@code vfio.gpu.nvidia.com}), and either some published device matches
 * it or no node advertises an NVIDIA device-plugin resource (the driver is installed but no GPU is bound for
 * passthrough yet). Otherwise, and always without a cluster, the device plugin.
 */
public final class GpuTargets {
    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.\\d+)?.*");

    private GpuTargets() {}

    /** The target to convert for and, for {@code auto}, why. */
    public record Decision(GpuTarget target, Optional<String> why) {}

    /**
     * The GPU target: {@code requested} itself unless it is {@link GpuTarget#AUTO}.
     *
     * @param requested the mappings' (or {@code --gpu-target}'s) target
     * @param dra the DeviceClass claims name
     * @param cluster what the cluster says; empty without {@code --from-cluster}
     */
    public static Decision decide(GpuTarget requested, DraMapping dra, Optional<ClusterGpus> cluster) {
        if (requested != GpuTarget.AUTO) {
            return new Decision(requested, Optional.empty());
        }
        if (cluster.isEmpty()) {
            return new Decision(GpuTarget.DEVICE_PLUGIN, Optional.of("gpuTarget auto: device plugin, as no cluster"
                    + " was asked (convert --from-cluster, or a plan with a cluster target, decides from the cluster;"
                    + " gpuTarget dra forces DRA)"));
        }
        ClusterGpus c = cluster.get();
        String kubevirt = "KubeVirt " + c.kubevirtVersion().orElse("(version unknown)");
        List<String> missing = new ArrayList<>();
        if (!draGateOn(c)) {
            missing.add(kubevirt + " does not have the " + DraClaims.GATE_GPUS_WITH_DRA + " feature gate on"
                    + (atLeast(c.kubevirtVersion(), 1, 9) ? " (it is in disabledFeatureGates)"
                            : " (Beta and on by default from v1.9; before, list it in featureGates)"));
        }
        String deviceClass = dra.deviceClassOrDefault();
        if (!c.deviceClasses().containsKey(deviceClass)) {
            missing.add("the cluster has no DeviceClass " + deviceClass + " (NVIDIA's DRA driver installs it)");
        }
        if (!missing.isEmpty()) {
            return new Decision(GpuTarget.DEVICE_PLUGIN, Optional.of("gpuTarget auto: device plugin, because "
                    + String.join(" and ", missing)));
        }
        int devices = matching(deviceClass, c);
        boolean pluginGpus = c.allocatable().keySet().stream().anyMatch(r -> r.startsWith(GpuResourceNames.NVIDIA));
        if (devices == 0 && pluginGpus) {
            return new Decision(GpuTarget.DEVICE_PLUGIN, Optional.of("gpuTarget auto: device plugin, because no"
                    + " ResourceSlice publishes a device of DeviceClass " + deviceClass + " while nodes advertise"
                    + " NVIDIA device-plugin resources"));
        }
        return new Decision(GpuTarget.DRA, Optional.of("gpuTarget auto: DRA, because " + kubevirt + " has "
                + DraClaims.GATE_GPUS_WITH_DRA + " on and DeviceClass " + deviceClass + " exists with " + devices
                + " matching device(s) published"));
    }

    /** Whether KubeVirt's {@code GPUsWithDRA} gate is on. */
    public static boolean draGateOn(ClusterGpus c) {
        String gate = DraClaims.GATE_GPUS_WITH_DRA;
        if (c.disabledFeatureGates().contains(gate)) {
            return false;
        }
        return c.featureGates().contains(gate) || atLeast(c.kubevirtVersion(), 1, 9);
    }

    /** Whether {@code version} ({@code v1.9.0}) is at least {@code major.minor}; false when unknown. */
    public static boolean atLeast(Optional<String> version, int major, int minor) {
        if (version.isEmpty()) {
            return false;
        }
        Matcher m = VERSION.matcher(version.get().trim());
        if (!m.matches()) {
            return false;
        }
        int ma = Integer.parseInt(m.group(1));
        int mi = Integer.parseInt(m.group(2));
        return ma > major || ma == major && mi >= minor;
    }

    /** How many published devices match the DeviceClass's own selectors. */
    static int matching(String deviceClass, ClusterGpus c) {
        DraFit.Result fit = DraFit.fit(List.of(new DraFit.Demand("cluster", "probe", deviceClass, List.of(), 1)),
                c.deviceClasses(), c.draDevices());
        return fit.groups().isEmpty() ? 0 : fit.groups().get(0).matching();
    }
}
