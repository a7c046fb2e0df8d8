package dev.kvmigrate.converter.gpu;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.converter.mapping.DraMapping;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuKind;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Passthrough GPUs claimed through Dynamic Resource Allocation (KubeVirt v1.9 {@code GPUsWithDRA}): which GPUs
 * DRA can serve, the CEL selector of each, and the {@code resource.k8s.io/v1} ResourceClaimTemplate a VM's claim
 * is made from. Pure functions.
 *
 * <p>NVIDIA's DRA driver publishes every device under the attribute domain {@code gpu.nvidia.com}, with
 * {@code vendorID} and {@code deviceID} as {@code "0x10de"}-style strings: selecting by the source GPU's PCI ids
 * maps it exactly. vGPUs have no NVIDIA DRA flow and stay on the device plugin.
 */
public final class DraClaims {
    /** The name of the VM's one claim ({@code spec.template.spec.resourceClaims[].name}). */
    public static final String CLAIM = "gpus";
    /** The feature gate KubeVirt needs for GPUs with DRA (Beta, on by default in v1.9). */
    public static final String GATE_GPUS_WITH_DRA = "GPUsWithDRA";

    private static final String NVIDIA_VENDOR = "10de";
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private DraClaims() {}

    /**
     * The CEL selector for a GPU DRA can serve: a passthrough GPU with PCI ids, NVIDIA's or one a
     * {@code dra.selectors} entry names; empty for a vGPU (mediated or an SR-IOV VF), a passthrough GPU whose ids
     * are unknown and another vendor's GPU without an entry.
     */
    public static Optional<String> selector(Gpu gpu, DraMapping dra) {
        if (gpu.kind() != GpuKind.PASSTHROUGH || gpu.vendorDevice().isEmpty()) {
            return Optional.empty();
        }
        String vendorDevice = gpu.vendorDevice().get().toLowerCase(Locale.ROOT);
        return dra.selector(vendorDevice).or(() -> vendorDevice.startsWith(NVIDIA_VENDOR + ":")
                ? Optional.of(defaultSelector(vendorDevice)) : Optional.empty());
    }

    /** Why a GPU that is not claimed through DRA stays on the device plugin, for the admin summary. */
    static String notClaimedBecause(DeviceRequest gpu) {
        return notClaimedBecause(gpu.isMediated() || gpu.kubevirtProvided(), gpu.vendorDevice());
    }

    /** Why a source GPU is not claimed through DRA, for its concern. */
    static String notClaimedBecause(Gpu gpu) {
        return notClaimedBecause(gpu.kind() != GpuKind.PASSTHROUGH, gpu.vendorDevice());
    }

    private static String notClaimedBecause(boolean vgpu, Optional<String> vendorDevice) {
        if (vgpu) {
            return "a vGPU, and NVIDIA's DRA driver has no vGPU flow";
        }
        return vendorDevice.map(vd -> "not an NVIDIA GPU and no dra.selectors entry for " + vd)
                .orElse("its PCI vendor/device id is unknown, so no selector can pick it");
    }

    /** {@code device.attributes['gpu.nvidia.com'].vendorID == "0x10de" && …deviceID == "0x20b0"}. */
    static String defaultSelector(String vendorDevice) {
        String[] ids = vendorDevice.split(":", 2);
        return "device.attributes['gpu.nvidia.com'].vendorID == \"0x" + ids[0] + "\""
                + " && device.attributes['gpu.nvidia.com'].deviceID == \"0x" + ids[1] + "\"";
    }

    /** The request name of the VM's GPU {@code index} ({@code gpus[index]}) in the claim. */
    public static String requestName(int index) {
        return "gpu-" + index;
    }

    /** One request of the claim: the GPU's request name and what it asks for. */
    public record Request(String name, DeviceRequest device) {}

    /**
     * The ResourceClaimTemplate, one request per DRA-served GPU ({@code exactly}: DeviceClass, CEL selector,
     * count 1).
     *
     * @param metadata the template's metadata (name, namespace, labels)
     * @param requests the DRA-served GPUs, in GPU order
     */
    public static ObjectNode template(ObjectNode metadata, List<Request> requests) {
        ObjectNode t = F.objectNode().put("apiVersion", "resource.k8s.io/v1").put("kind", "ResourceClaimTemplate");
        t.set("metadata", metadata);
        ArrayNode list = t.putObject("spec").putObject("spec").putObject("devices").putArray("requests");
        for (Request r : requests) {
            ObjectNode exactly = list.addObject().put("name", r.name()).putObject("exactly");
            exactly.put("deviceClassName", r.device().resource());
            exactly.putArray("selectors").addObject().putObject("cel")
                    .put("expression", r.device().draSelector().orElseThrow());
            exactly.put("count", 1);
        }
        return t;
    }
}
