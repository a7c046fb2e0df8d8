package dev.kvmigrate.inventory.libvirt;

import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuCompanions;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.HostDevice;
import dev.kvmigrate.inventory.model.HostDeviceKind;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Host devices of a domain, with GPU resolution through the host's node devices.
 *
 * <ul>
 *   <li>mdev: the node device of the UUID gives the type id; its parent PCI device's {@code mdev_types} gives the
 *       type name, plus address, vendor/product (and the physical function when the parent is a VF: an Ampere
 *       board with SR-IOV on). An NVIDIA one (type {@code nvidia-*} or parent vendor 10de) is a vGPU; any other
 *       (Intel GVT-g, mtty, vfio-ccw/ap) is a {@code MDEV} host device. An mdev absent from the host takes its type
 *       from the oVirt (vdsm) metadata {@code <ovirt-vm:device uuid><ovirt-vm:mdevType>} when there is one
 *       (GPU_MDEV_TYPE_FROM_METADATA), again a vGPU only for an {@code nvidia-*} type; without any type it stays
 *       a typeless vGPU entry with its UUID only, which only a mapping by UUID resolves (ModelRules raises
 *       GPU_MDEV_MISSING, without calling it NVIDIA).</li>
 *   <li>pci: {@code pci_DDDD_BB_SS_F}. Vendor 10de with a display class (0x03xxxx) is a passthrough GPU; without
 *       a class (libvirt before 6.x) an NVIDIA function 0 not named as audio/USB/UCSI is one too
 *       (GPU_CLASS_INFERRED). An NVIDIA virtual function ({@code phys_function} capability) is an SR-IOV vGPU.
 *       Anything else is a PCI host device; the other functions of a passthrough GPU's slot are marked as its
 *       companions ({@link GpuCompanions}).</li>
 *   <li>usb, scsi: host devices.</li>
 * </ul>
 */
final class HostdevParser {
    private HostdevParser() {}

    record Assigned(List<Gpu> gpus, List<HostDevice> hostDevices) {}

    static Assigned parse(XmlNode domain, NodeDevices devices, ParseContext ctx) {
        List<Gpu> gpus = new ArrayList<>();
        List<HostDevice> others = new ArrayList<>();
        List<XmlNode> hostdevs = domain.all("devices/hostdev");
        for (int i = 0; i < hostdevs.size(); i++) {
            XmlNode h = hostdevs.get(i);
            String field = "devices/hostdev[" + i + "]";
            String type = h.attr("type").orElse("");
            Optional<XmlNode> address = h.at("source/address");
            switch (type) {
                case "mdev" -> {
                    Optional<String> uuid = address.flatMap(a -> a.attr("uuid"));
                    if (uuid.isEmpty()) {
                        ctx.partial(field, "an mdev <hostdev> has no <source><address uuid>; left out");
                    } else {
                        mdev(uuid.get().toLowerCase(Locale.ROOT), h, domain, devices, ctx, gpus, others);
                    }
                }
                case "pci" -> {
                    Optional<String> addr = address.flatMap(HostdevParser::pciAddress);
                    if (addr.isEmpty()) {
                        ctx.partial(field, "a PCI <hostdev> has no usable <source><address>; left out");
                    } else {
                        pci(addr.get(), devices, field, ctx, gpus, others);
                    }
                }
                case "usb" -> others.add(usb(h));
                case "scsi" -> others.add(new HostDevice(HostDeviceKind.SCSI, scsiAddress(h), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
                default -> others.add(new HostDevice(HostDeviceKind.OTHER, Optional.of(type.isEmpty()
                        ? h.attr("mode").orElse("hostdev") : type), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty()));
            }
        }
        return new Assigned(gpus, GpuCompanions.mark(gpus, others));
    }

    private static void mdev(String uuid, XmlNode h, XmlNode domain, NodeDevices devices, ParseContext ctx,
            List<Gpu> gpus, List<HostDevice> others) {
        boolean display = h.attr("display").filter("on"::equals).isPresent();
        boolean ramfb = h.attr("ramfb").filter("on"::equals).isPresent();
        Optional<NodeDevices.Mdev> mdev = devices.mdev(uuid);
        if (mdev.isEmpty()) {
            Optional<String> recorded = vdsmMdevType(domain, uuid);
            if (recorded.isEmpty()) {
                gpus.add(new Gpu(GpuKind.VGPU, Optional.of(uuid), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), display, ramfb,
                        Optional.empty()));
                return;
            }
            String type = recorded.get();
            boolean nvidia = type.startsWith("nvidia-");
            ctx.concern(ConcernCode.GPU_MDEV_TYPE_FROM_METADATA.at((nvidia ? "gpus[" + gpus.size()
                    : "hostDevices[" + others.size()) + "]", "VM " + ctx.vmName() + ": mediated device " + uuid
                    + " is not on the host; its type " + type + " is taken from the oVirt domain metadata"
                    + " (ovirt-vm:mdevType)" + (nvidia ? "" : ", which is not an NVIDIA vGPU type")));
            if (nvidia) {
                gpus.add(new Gpu(GpuKind.VGPU, Optional.of(uuid), recorded, devices.mdevTypeName(type),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), display, ramfb,
                        Optional.empty()));
            } else {
                others.add(new HostDevice(HostDeviceKind.MDEV, Optional.of(uuid), Optional.empty(), Optional.empty(),
                        Optional.empty(), devices.mdevTypeName(type), recorded));
            }
            return;
        }
        Optional<String> typeId = mdev.get().typeId();
        Optional<NodeDevices.Pci> parent = mdev.get().parent().flatMap(devices::pciByName);
        Optional<String> typeName = typeId.flatMap(t -> parent.map(p -> p.mdevTypes().get(t)));
        boolean nvidia = typeId.filter(t -> t.startsWith("nvidia-")).isPresent()
                || parent.filter(NodeDevices.Pci::isNvidia).isPresent();
        if (!nvidia && typeId.isPresent()) {
            others.add(new HostDevice(HostDeviceKind.MDEV, Optional.of(uuid),
                    parent.flatMap(NodeDevices.Pci::vendorId), parent.flatMap(NodeDevices.Pci::productId),
                    parent.flatMap(NodeDevices.Pci::vendorName), typeName.or(() -> parent.flatMap(
                            NodeDevices.Pci::productName)), typeId));
            return;
        }
        Optional<String> attrs = mdev.get().attrs().isEmpty() ? Optional.empty()
                : Optional.of(mdev.get().attrs().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(",")));
        gpus.add(new Gpu(GpuKind.VGPU, Optional.of(uuid), typeId, typeName,
                parent.flatMap(NodeDevices.Pci::address), parent.flatMap(NodeDevices.Pci::vendorId),
                parent.flatMap(NodeDevices.Pci::productId), parent.flatMap(NodeDevices.Pci::productName), display,
                ramfb, attrs, parent.flatMap(devices::physFunction)));
    }

    /**
     * The mdev type oVirt's vdsm recorded for a hostdev in the domain metadata:
     * {@code <metadata><ovirt-vm:vm><ovirt-vm:device devtype="hostdev" uuid="U"><ovirt-vm:mdevType>nvidia-22}
     * (also read as an {@code mdevType} attribute of the device).
     */
    static Optional<String> vdsmMdevType(XmlNode domain, String uuid) {
        for (XmlNode d : domain.all("metadata/vm/device")) {
            if (d.attr("uuid").filter(u -> u.equalsIgnoreCase(uuid)).isPresent()) {
                Optional<String> type = d.text("mdevType").or(() -> d.attr("mdevType")).map(String::trim);
                if (type.isPresent()) {
                    return type;
                }
            }
        }
        return Optional.empty();
    }

    private static void pci(String address, NodeDevices devices, String field, ParseContext ctx, List<Gpu> gpus,
            List<HostDevice> others) {
        Optional<NodeDevices.Pci> node = devices.pciByAddress(address);
        if (node.isEmpty()) {
            ctx.partial(field, "PCI device " + address + " is not among the host's node devices, so it cannot be"
                    + " told whether it is a GPU (add 'virsh nodedev-dumpxml pci_"
                    + address.replace(':', '_').replace('.', '_') + "' output to the scan)");
            others.add(new HostDevice(HostDeviceKind.PCI, Optional.of(address), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty()));
            return;
        }
        NodeDevices.Pci p = node.get();
        Optional<String> physFunction = devices.physFunction(p);
        if (p.isNvidia() && physFunction.isPresent()) {
            gpus.add(new Gpu(GpuKind.SRIOV_VGPU, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of(address), p.vendorId(), p.productId(), p.productName(), false, false,
                    Optional.empty(), physFunction));
        } else if (p.isNvidiaDisplay() || p.isNvidiaGpuWithoutClass()) {
            if (!p.isNvidiaDisplay()) {
                ctx.concern(ConcernCode.GPU_CLASS_INFERRED.at("gpus[" + gpus.size() + "]", "VM " + ctx.vmName()
                        + ": PCI device " + address + " (" + p.vendorId().orElse("10de") + ":"
                        + p.productId().orElse("????") + p.productName().map(n -> " " + n).orElse("")
                        + ") has no class in its node device (libvirt before 6.x); taken for a passthrough GPU as"
                        + " NVIDIA's function 0"));
            }
            gpus.add(new Gpu(GpuKind.PASSTHROUGH, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of(address), p.vendorId(), p.productId(), p.productName(), false, false,
                    Optional.empty()));
        } else {
            others.add(new HostDevice(HostDeviceKind.PCI, Optional.of(address), p.vendorId(), p.productId(),
                    p.vendorName(), p.productName(), p.pciClass()));
        }
    }

    private static HostDevice usb(XmlNode h) {
        Optional<XmlNode> src = h.child("source");
        Optional<String> vendor = src.flatMap(s -> s.attr("vendor", "id"));
        Optional<String> product = src.flatMap(s -> s.attr("product", "id"));
        Optional<String> address = src.flatMap(s -> s.child("address")).flatMap(a -> {
            Optional<String> bus = a.attr("bus");
            Optional<String> device = a.attr("device");
            return bus.isPresent() && device.isPresent() ? Optional.of(bus.get() + "." + device.get())
                    : Optional.empty();
        });
        return new HostDevice(HostDeviceKind.USB, address, vendor, product, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    private static Optional<String> scsiAddress(XmlNode h) {
        Optional<String> adapter = h.attr("source/adapter", "name");
        Optional<XmlNode> a = h.at("source/address");
        if (a.isEmpty()) {
            return adapter.or(() -> h.attr("source", "wwpn"));
        }
        return Optional.of(adapter.orElse("scsi_host") + ":" + a.get().attr("bus").orElse("0") + ":"
                + a.get().attr("target").orElse("0") + ":" + a.get().attr("unit").orElse("0"));
    }

    /** {@code <address domain='0x0000' bus='0xca' slot='0x00' function='0x0'/>} → {@code 0000:ca:00.0}. */
    static Optional<String> pciAddress(XmlNode a) {
        try {
            Optional<String> bus = a.attr("bus");
            Optional<String> slot = a.attr("slot");
            if (bus.isEmpty() || slot.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(NodeDevices.pciAddress(NodeDevices.number(a.attr("domain").orElse("0")),
                    NodeDevices.number(bus.get()), NodeDevices.number(slot.get()),
                    NodeDevices.number(a.attr("function").orElse("0"))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
