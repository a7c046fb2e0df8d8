package dev.kvmigrate.inventory.ova;

import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuCompanions;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.HostDevice;
import dev.kvmigrate.inventory.model.HostDeviceKind;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PCI items of a VMware OVF: {@code rasd:ResourceType} 1 with a {@code rasd:ResourceSubType} of
 * {@code vmware.pci.passthrough…}, their backing in {@code <vmw:Config vmw:key="…" vmw:value="…"/>} children.
 *
 * <ul>
 *   <li>{@code vmware.pci.passthrough-vmiop}: an NVIDIA vGPU; {@code backing.vgpu} holds the profile,
 *       {@code grid_a100-8c} or {@code nvidia_l40s-8q}, whose NVIDIA type name is the prefix and the rest
 *       upper-cased, space-separated: {@code GRID A100-8C}, {@code NVIDIA L40S-8Q}.</li>
 *   <li>{@code vmware.pci.passthrough}: DirectPath I/O; {@code backing.vendorId} is a signed 16-bit decimal as the
 *       vSphere API's {@code short} prints it ({@code -32634} = {@code 8086}, {@code 4318} = {@code 10de}),
 *       {@code backing.deviceId} hex ({@code 1eb8}), {@code backing.id} the host's PCI address.</li>
 *   <li>{@code vmware.pci.passthrough-ah}: Dynamic DirectPath; {@code backing.allowedDevice} is
 *       {@code 0xVVVV:0xDDDD} with optional {@code :s=…:t=…:r=…} (subsystem ids, revision).</li>
 *   <li>{@code vmware.pci.passthrough-dvx}: a Device Virtualization Extensions device; its ids, when the vendor
 *       plugin gives any, are in {@code dvx.config.vendorId} / {@code dvx.config.deviceId}.</li>
 * </ul>
 *
 * An NVIDIA device (vendor {@code 10de}) at function 0 (or at no known address) becomes a passthrough {@link Gpu};
 * an OVF carries no PCI class, so the function number tells a GPU from the HDMI audio / USB-C functions passed
 * alongside it, which become PCI host devices marked as the GPU's companions ({@link GpuCompanions}). Any other
 * device is a PCI {@link HostDevice}, with whatever ids the OVF gives.
 */
final class VmwarePassthrough {
    private static final String SUBTYPE = "vmware.pci.passthrough";
    private static final String NVIDIA = "10de";
    private static final Pattern PROFILE = Pattern.compile("(?i)(grid|nvidia)_(\\S+)");
    private static final Pattern HEX_ID = Pattern.compile("(?i)(?:0x)?([0-9a-f]{1,4})");
    private static final Pattern DECIMAL_ID = Pattern.compile("-?\\d{1,5}");
    private static final Pattern ALLOWED_DEVICE = Pattern.compile("(?i)0x([0-9a-f]{1,4}):0x([0-9a-f]{1,4})(?::.*)?");

    private VmwarePassthrough() {}

    /** What the PCI items of one VM become. */
    record Devices(List<Gpu> gpus, List<HostDevice> hostDevices, List<Concern> concerns) {}

    /** One PCI item's ids as the OVF gives them, and the keys they were read from (for messages). */
    private record PciIds(Optional<String> vendor, Optional<String> device, Optional<String> address, String from) {}

    /** A PCI item that is no GPU: its label for messages and its ids. */
    private record OtherDevice(String label, PciIds ids) {
        HostDevice device() {
            return new HostDevice(HostDeviceKind.PCI, ids.address(), ids.vendor(), ids.device(), Optional.empty(),
                    Optional.empty(), Optional.empty());
        }
    }

    /**
     * The vGPUs, passthrough GPUs and other PCI devices of {@code items}; {@code firstGpu} is the index the first
     * GPU found here gets in the VM's GPU list (for concern fields).
     */
    static Devices map(String vm, List<XmlNode> items, int firstGpu) {
        List<Gpu> gpus = new ArrayList<>();
        List<OtherDevice> others = new ArrayList<>();
        List<Concern> concerns = new ArrayList<>();
        for (XmlNode item : items) {
            String subtype = item.text("ResourceSubType").orElse("").toLowerCase(Locale.ROOT);
            if (!subtype.startsWith(SUBTYPE)) {
                continue;
            }
            Map<String, String> config = config(item);
            String label = "'" + item.text("ElementName").orElse("PCI device") + "' (" + subtype + ")";
            if (subtype.equals(SUBTYPE + "-vmiop")) {
                gpus.add(vgpu(vm, label, "gpus[" + (firstGpu + gpus.size()) + "]",
                        Optional.ofNullable(config.get("backing.vgpu")), concerns));
                continue;
            }
            PciIds ids = ids(subtype, config);
            boolean functionZero = ids.address().map(a -> a.endsWith(".0")).orElse(true);
            if (ids.vendor().filter(NVIDIA::equals).isPresent() && functionZero) {
                // The scan's GPU_PRODUCT_UNKNOWN (ModelRules) says which gpus entry names it: an OVF has no product.
                gpus.add(new Gpu(GpuKind.PASSTHROUGH, Optional.empty(), Optional.empty(), Optional.empty(),
                        ids.address(), ids.vendor(), ids.device(), Optional.empty(), false, false, Optional.empty()));
                continue;
            }
            others.add(new OtherDevice(label, ids));
        }
        // An NVIDIA GPU's other functions (HDMI audio .1, USB-C .2/.3) are its companions: the converter's to decide.
        List<HostDevice> hostDevices = GpuCompanions.mark(gpus, others.stream().map(OtherDevice::device).toList());
        for (int i = 0; i < hostDevices.size(); i++) {
            if (hostDevices.get(i).companionOf().isEmpty()) {
                concerns.add(unmapped(vm, "hostDevices[" + i + "]", hostDevices.get(i), others.get(i)));
            }
        }
        return new Devices(gpus, hostDevices, concerns);
    }

    private static Concern unmapped(String vm, String field, HostDevice dev, OtherDevice item) {
        String label = item.label();
        String where = dev.address().map(a -> " at " + a).orElse("");
        return ConcernCode.HOSTDEV_UNMAPPED.warningAt(field, dev.vendorDevice()
                .map(vd -> "VM " + vm + ": PCI device " + label + " " + vd + where + " is passed through; add a"
                        + " hostDevices entry '" + vd + ": <resource name>' (or a gpus entry if it is a GPU) in the"
                        + " plan")
                .orElse("VM " + vm + ": PCI device " + label + where + " is passed through, but the OVF gives no"
                        + " usable PCI vendor/device id (" + item.ids().from() + "), so no hostDevices or gpus entry"
                        + " can match it; remove the device from the VM before exporting it, or attach it on the target"
                        + " by hand"));
    }

    private static Gpu vgpu(String vm, String label, String field, Optional<String> profile, List<Concern> concerns) {
        Optional<String> typeName = profile.flatMap(VmwarePassthrough::typeName);
        Optional<String> typeKey = Optional.empty();
        if (profile.isEmpty()) {
            concerns.add(ConcernCode.GPU_MDEV_MISSING.warningAt(field, "VM " + vm + ": vGPU " + label
                    + " names no profile (no backing.vgpu), so its type is unknown and no gpus entry can match it;"
                    + " export the VM again with its vGPU profile"));
        } else if (typeName.isEmpty()) {
            // Not an NVIDIA profile name: kept as the type key a gpus entry can name, never turned into a resource.
            typeKey = profile;
            concerns.add(ConcernCode.GPU_TYPE_NAME_UNKNOWN.warningAt(field, "VM " + vm + ": vGPU " + label
                    + " has profile '" + profile.get() + "', which is not an NVIDIA profile name (grid_… or"
                    + " nvidia_…); add a gpus entry '" + profile.get() + ": nvidia.com/<resource>' in the plan"));
        }
        return new Gpu(GpuKind.VGPU, Optional.empty(), typeKey, typeName, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), false, false, Optional.empty());
    }

    /** {@code grid_a100-8c} → {@code GRID A100-8C}, {@code nvidia_l40s-8q} → {@code NVIDIA L40S-8Q}. */
    static Optional<String> typeName(String profile) {
        Matcher m = PROFILE.matcher(profile.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(m.group(1).toUpperCase(Locale.ROOT) + " " + m.group(2).toUpperCase(Locale.ROOT));
    }

    private static PciIds ids(String subtype, Map<String, String> config) {
        Optional<String> address = Optional.ofNullable(config.get("backing.id")).map(a -> a.toLowerCase(Locale.ROOT));
        if (subtype.equals(SUBTYPE + "-ah")) {
            Matcher m = ALLOWED_DEVICE.matcher(config.getOrDefault("backing.allowedDevice", "").trim());
            String from = shown(config, "backing.allowedDevice");
            return m.matches() ? new PciIds(Optional.of(m.group(1)), Optional.of(m.group(2)), address, from)
                    : new PciIds(Optional.empty(), Optional.empty(), address, from);
        }
        String prefix = subtype.equals(SUBTYPE + "-dvx") ? "dvx.config." : "backing.";
        Optional<String> vendor = Optional.ofNullable(config.get(prefix + "vendorId"))
                .flatMap(VmwarePassthrough::vendorId);
        Optional<String> device = Optional.ofNullable(config.get(prefix + "deviceId"))
                .flatMap(VmwarePassthrough::hexId);
        return new PciIds(vendor, device, address, shown(config, prefix + "vendorId") + ", "
                + shown(config, prefix + "deviceId"));
    }

    /** A vendor id as the vSphere API's signed 16-bit {@code short} prints it, or {@code 0x}-prefixed hex. */
    static Optional<String> vendorId(String value) {
        String v = value.trim();
        if (v.toLowerCase(Locale.ROOT).startsWith("0x")) {
            return hexId(v);
        }
        if (!DECIMAL_ID.matcher(v).matches()) {
            return Optional.empty();
        }
        int n = Integer.parseInt(v);
        return n < Short.MIN_VALUE || n > 0xFFFF ? Optional.empty()
                : Optional.of(String.format(Locale.ROOT, "%04x", n & 0xFFFF));
    }

    /** A device id: hex, with or without {@code 0x}. */
    static Optional<String> hexId(String value) {
        Matcher m = HEX_ID.matcher(value.trim());
        return m.matches() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    private static String shown(Map<String, String> config, String key) {
        return key + (config.containsKey(key) ? " '" + config.get(key) + "'" : " absent");
    }

    /** An item's {@code vmw:Config} entries by key; the first of a repeated key wins. */
    private static Map<String, String> config(XmlNode item) {
        Map<String, String> out = new LinkedHashMap<>();
        for (XmlNode c : item.children("Config")) {
            c.attr("key").ifPresent(k -> out.putIfAbsent(k, c.attr("value").orElse("")));
        }
        return out;
    }
}
