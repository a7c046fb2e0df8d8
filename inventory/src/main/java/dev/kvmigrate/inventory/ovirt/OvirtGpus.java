package dev.kvmigrate.inventory.ovirt;

import static dev.kvmigrate.inventory.ovirt.EngineXml.ref;

import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuCompanions;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.HostDevice;
import dev.kvmigrate.inventory.model.HostDeviceKind;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * vGPUs (custom property {@code mdev_type}, or 4.5+ {@code mediated_devices}), passthrough GPUs and other host
 * devices of one engine VM, with vGPU type names resolved through the hosts' {@code m_dev_types}. Pure: no I/O.
 *
 * <p>Only {@code nvidia-*} mdev types are vGPUs; any other (Intel GVT-g {@code i915-GVTg_V5_4}, mtty) is a
 * mediated host device. Host devices marked {@code <placeholder>true</placeholder>} (kept by the engine for a
 * device that is not on the VM's current host) are left out with HOSTDEV_PLACEHOLDER_SKIPPED. The other functions
 * of a passthrough GPU's slot are marked as its companions and get no HOSTDEV_UNMAPPED warning.
 */
final class OvirtGpus {
    static final String NVIDIA = "10de";
    /** NVIDIA functions that are not GPUs: the HDMI audio, USB-C and serial functions of a board, NVSwitches. */
    private static final Pattern NVIDIA_NON_GPU = Pattern.compile("(?i).*(audio|usb|serial|ucsi|nvswitch|bridge).*");
    private static final Pattern PCI_NAME = Pattern.compile("pci_([0-9a-fA-F]{4})_([0-9a-fA-F]{2})_([0-9a-fA-F]{2})_([0-7])");

    private static final Pattern HOSTDEV_FIELD = Pattern.compile("hostDevices\\[(\\d+)]");

    private OvirtGpus() {}

    record Result(List<Gpu> gpus, List<HostDevice> hostDevices, List<Concern> concerns) {}

    /** One requested vGPU before name resolution. */
    record VgpuRequest(String typeId, boolean display, Optional<String> driverParams) {}

    static Result map(XmlNode vm, Map<String, String> props, EngineCatalog catalog) {
        List<VgpuRequest> requests = mediatedDevices(vm);
        if (requests.isEmpty()) {
            requests = parseMdevTypeProperty(props.getOrDefault("mdev_type", ""));
        }
        List<Gpu> gpus = new ArrayList<>();
        List<HostDevice> others = new ArrayList<>();
        List<Concern> concerns = new ArrayList<>();
        List<XmlNode> hosts = candidateHosts(vm, catalog);
        for (VgpuRequest r : requests) {
            Optional<XmlNode> parent = mdevParent(hosts, r.typeId());
            if (!r.typeId().startsWith("nvidia-")) {
                // Intel GVT-g (i915-GVTg_V5_4), mtty, …: a mediated host device, never an NVIDIA vGPU.
                others.add(new HostDevice(HostDeviceKind.MDEV, Optional.empty(),
                        parent.flatMap(p -> p.attr("vendor", "id").or(() -> p.text("vendor/id"))),
                        parent.flatMap(p -> p.attr("product", "id").or(() -> p.text("product/id"))),
                        parent.flatMap(p -> p.text("vendor/name")), parent.flatMap(p -> typeName(p, r.typeId())),
                        Optional.of(r.typeId())));
                continue;
            }
            Optional<String> typeName = parent.flatMap(p -> typeName(p, r.typeId()));
            if (typeName.isEmpty()) {
                concerns.add(ConcernCode.GPU_TYPE_NAME_UNKNOWN.warningAt("gpus[" + gpus.size() + "]", "VM "
                        + vm.text("name").orElse("?") + ": vGPU type " + r.typeId() + " could not be named ("
                        + (hosts.isEmpty() ? "the VM has no host and no host of its cluster was read"
                                : "no host of the VM offers that type") + "); add a GPU mapping for " + r.typeId()));
            }
            gpus.add(new Gpu(GpuKind.VGPU, Optional.empty(), Optional.of(r.typeId()), typeName,
                    parent.flatMap(p -> p.text("name")).flatMap(OvirtGpus::pciAddress),
                    parent.flatMap(p -> p.attr("vendor", "id").or(() -> p.text("vendor/id"))),
                    parent.flatMap(p -> p.attr("product", "id").or(() -> p.text("product/id"))),
                    parent.flatMap(p -> p.text("product/name")), r.display(), false, r.driverParams()));
        }
        for (XmlNode dev : EngineXml.followed(vm, "host_devices", "host_device").orElse(List.of())) {
            XmlNode full = resolveHostDevice(dev, hosts);
            if (dev.text("placeholder").or(() -> full.text("placeholder")).filter("true"::equalsIgnoreCase)
                    .isPresent()) {
                concerns.add(ConcernCode.HOSTDEV_PLACEHOLDER_SKIPPED.of("VM " + vm.text("name").orElse("?")
                        + ": host device " + full.text("name").orElse(full.attr("id").orElse("?"))
                        + full.text("product/name").map(n -> " (" + n + ")").orElse("")
                        + " is a placeholder, not a device of the VM's current host; left out"));
                continue;
            }
            Optional<String> vendor = full.attr("vendor", "id").or(() -> full.text("vendor/id")).map(OvirtGpus::hex);
            Optional<String> product = full.attr("product", "id").or(() -> full.text("product/id")).map(OvirtGpus::hex);
            Optional<String> productName = full.text("product/name");
            Optional<String> address = full.text("name").flatMap(OvirtGpus::pciAddress);
            String capability = full.text("capability").orElse("pci").toLowerCase(Locale.ROOT);
            if (capability.equals("pci") && vendor.filter(NVIDIA::equals).isPresent()
                    && !productName.filter(n -> NVIDIA_NON_GPU.matcher(n).matches()).isPresent()) {
                if (productName.isEmpty()) {
                    concerns.add(ConcernCode.GPU_PRODUCT_UNKNOWN.warningAt("gpus[" + gpus.size() + "]", "VM "
                            + vm.text("name").orElse("?") + ": passthrough GPU " + address.orElse("?")
                            + " has no product name; add a GPU mapping for " + vendor.get() + ":"
                            + product.orElse("????")));
                }
                gpus.add(new Gpu(GpuKind.PASSTHROUGH, Optional.empty(), Optional.empty(), Optional.empty(), address,
                        vendor, product, productName, false, false, Optional.empty()));
            } else {
                HostDeviceKind kind = switch (capability) {
                    case "pci" -> HostDeviceKind.PCI;
                    case "usb", "usb_device" -> HostDeviceKind.USB;
                    case "scsi" -> HostDeviceKind.SCSI;
                    default -> HostDeviceKind.OTHER;
                };
                // USB, SCSI and other devices are dropped by the converter (HOSTDEV_DROPPED), which decides that.
                if (kind == HostDeviceKind.PCI) {
                    String what = full.text("name").orElse("?") + productName.map(n -> " (" + n + ")").orElse("");
                    concerns.add(ConcernCode.HOSTDEV_UNMAPPED.warningAt("hostDevices[" + others.size() + "]", "VM "
                            + vm.text("name").orElse("?") + ": host device " + what + " migrates only when a"
                            + " hostDevices entry for " + vendor.orElse("????") + ":" + product.orElse("????")
                            + " names its resource"));
                }
                others.add(new HostDevice(kind, address.or(() -> full.text("name")), vendor, product,
                        full.text("vendor/name"), productName, Optional.empty()));
            }
        }
        List<HostDevice> marked = GpuCompanions.mark(gpus, others);
        // A companion's HOSTDEV_UNMAPPED warning goes: the converter carries it (mapped) or drops it (INFO).
        List<Concern> kept = concerns.stream().filter(c -> !c.code().equals(ConcernCode.HOSTDEV_UNMAPPED.name())
                || c.field().filter(f -> companionField(f, marked)).isEmpty()).toList();
        return new Result(gpus, marked, kept);
    }

    /** Whether {@code hostDevices[i]} names a GPU's companion. */
    private static boolean companionField(String field, List<HostDevice> hostDevices) {
        var m = HOSTDEV_FIELD.matcher(field);
        return m.matches() && hostDevices.get(Integer.parseInt(m.group(1))).companionOf().isPresent();
    }

    /** 4.5+ {@code <mediated_devices><vm_mediated_device><spec_params><property>mdevType…}. */
    static List<VgpuRequest> mediatedDevices(XmlNode vm) {
        List<VgpuRequest> out = new ArrayList<>();
        Optional<XmlNode> container = vm.child("mediated_devices").or(() -> vm.child("vm_mediated_devices"));
        for (XmlNode md : container.map(XmlNode::children).orElse(List.of())) {
            Map<String, String> spec = EngineXml.properties(md, "spec_params", "property");
            Optional<String> type = Optional.ofNullable(spec.get("mdevType")).map(String::trim).filter(s -> !s.isEmpty());
            boolean display = !"true".equalsIgnoreCase(spec.getOrDefault("nodisplay", "false").trim());
            Optional<String> params = Optional.ofNullable(spec.get("driverParams")).filter(s -> !s.isBlank());
            type.ifPresent(t -> out.add(new VgpuRequest(t, display, params)));
        }
        return out;
    }

    /**
     * The {@code mdev_type} custom property: a comma list of type ids, optionally led by {@code nodisplay}
     * ({@code nodisplay,nvidia-22} = one vGPU without display; {@code nvidia-28,nvidia-10} = two vGPUs).
     */
    static List<VgpuRequest> parseMdevTypeProperty(String value) {
        List<String> tokens = new ArrayList<>();
        for (String t : value.split(",")) {
            if (!t.isBlank()) {
                tokens.add(t.trim());
            }
        }
        boolean display = true;
        if (!tokens.isEmpty() && tokens.get(0).equalsIgnoreCase("nodisplay")) {
            display = false;
            tokens.remove(0);
        }
        List<VgpuRequest> out = new ArrayList<>();
        for (String t : tokens) {
            out.add(new VgpuRequest(t, display, Optional.empty()));
        }
        return out;
    }

    /** The VM's host first (running or pinned), else the hosts of its cluster. */
    static List<XmlNode> candidateHosts(XmlNode vm, EngineCatalog catalog) {
        Set<XmlNode> out = new LinkedHashSet<>();
        OvirtVmMapper.runningOrPinnedHost(vm).flatMap(catalog::host).ifPresent(out::add);
        if (out.isEmpty()) {
            ref(vm, "cluster").ifPresent(c -> out.addAll(catalog.hostsOf(c)));
        }
        return List.copyOf(out);
    }

    /** The first host PCI device (in host order) whose {@code m_dev_types} offers the type. */
    static Optional<XmlNode> mdevParent(List<XmlNode> hosts, String typeId) {
        for (XmlNode host : hosts) {
            for (XmlNode dev : host.all("devices/host_device")) {
                if (typeName(dev, typeId).isPresent()) {
                    return Optional.of(dev);
                }
            }
        }
        return Optional.empty();
    }

    /** {@code <m_dev_types><m_dev_type><name>nvidia-22</name><human_readable_name>GRID T4-1Q…}. */
    static Optional<String> typeName(XmlNode device, String typeId) {
        for (XmlNode t : device.all("m_dev_types/m_dev_type")) {
            if (t.text("name").filter(typeId::equals).isPresent()) {
                return t.text("human_readable_name");
            }
        }
        return Optional.empty();
    }

    /** The host's full entry for a VM host device (the VM's copy may carry only the name). */
    static XmlNode resolveHostDevice(XmlNode dev, List<XmlNode> hosts) {
        if (dev.child("vendor").isPresent() || dev.text("name").isEmpty()) {
            return dev;
        }
        String name = dev.text("name").get();
        for (XmlNode host : hosts) {
            for (XmlNode hd : host.all("devices/host_device")) {
                if (hd.text("name").filter(name::equals).isPresent()) {
                    return hd;
                }
            }
        }
        return dev;
    }

    /** {@code pci_0000_3b_00_0} → {@code 0000:3b:00.0}. */
    static Optional<String> pciAddress(String deviceName) {
        var m = PCI_NAME.matcher(deviceName);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of((m.group(1) + ":" + m.group(2) + ":" + m.group(3) + "." + m.group(4)).toLowerCase(Locale.ROOT));
    }

    static String hex(String id) {
        String s = id.trim().toLowerCase(Locale.ROOT);
        return s.startsWith("0x") ? s.substring(2) : s;
    }
}
