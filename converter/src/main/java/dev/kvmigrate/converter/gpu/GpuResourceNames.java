package dev.kvmigrate.converter.gpu;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The resource names the NVIDIA kubevirt-gpu-device-plugin advertises, derived exactly as the plugin derives
 * them (see DESIGN.md, "KubeVirt GPU requests"). Pure functions; the caller decides what an unknown name means.
 */
public final class GpuResourceNames {
    /** The prefix of every NVIDIA device-plugin resource. */
    public static final String NVIDIA = "nvidia.com/";

    private static final Pattern WHITESPACE_RUN = Pattern.compile("\\s+");
    private static final Pattern OUTSIDE_ALLOWED = Pattern.compile("[^A-Za-z0-9_.]");

    private GpuResourceNames() {}

    /**
     * vGPU: the mdev type name with every whitespace run replaced by {@code _}, case and {@code -} kept:
     * {@code GRID T4-1Q} → {@code nvidia.com/GRID_T4-1Q}.
     */
    public static String vgpu(String mdevTypeName) {
        String name = mdevTypeName.trim();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("vGPU type name is blank");
        }
        return NVIDIA + WHITESPACE_RUN.matcher(name).replaceAll("_");
    }

    /**
     * Passthrough: the pci.ids product name trimmed, upper-cased, {@code /} and {@code .} replaced by {@code _},
     * whitespace runs by {@code _}, then every character outside {@code [A-Za-z0-9_.]} deleted:
     * {@code TU104GL [Tesla T4]} → {@code nvidia.com/TU104GL_TESLA_T4}.
     */
    public static String passthrough(String productName) {
        String name = productName.trim().toUpperCase(Locale.ROOT).replace('/', '_').replace('.', '_');
        name = WHITESPACE_RUN.matcher(name).replaceAll("_");
        name = OUTSIDE_ALLOWED.matcher(name).replaceAll("");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("product name '" + productName + "' leaves no resource name");
        }
        return NVIDIA + name;
    }

    /** Passthrough GPU whose product is not in the plugin's pci.ids: the bare device id, {@code nvidia.com/2235}. */
    public static String bareDeviceId(String deviceId) {
        return NVIDIA + deviceId.toLowerCase(Locale.ROOT);
    }
}
