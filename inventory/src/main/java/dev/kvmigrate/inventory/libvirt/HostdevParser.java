package dev.kvmigrate.inventory.libvirt;

import dev.kvmigrate.inventory.model.Gpu;
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
 *       type name, plus address, vendor/product. An NVIDIA one (type {@code nvidia-*} or parent vendor 10de) is a
 *       vGPU; any other (Intel GVT-g, mtty, vfio-ccw/ap) is a {@code MDEV} host device. An mdev absent from the
 *       host is still a vGPU, with its UUID only (ModelRules raises GPU_MDEV_MISSING).</li>
 *   <li>pci: {@code pci_DDDD_BB_SS_F}; vendor 10de with a display class (0x03xxxx) is a passthrough GPU, anything
 *       else a PCI host device.</li>
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
                        mdev(uuid.get().toLowerCase(Locale.ROOT), h, devices, gpus, others);
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
        return new Assigned(gpus, others);
    }

    private static void mdev(String uuid, XmlNode h, NodeDevices devices, List<Gpu> gpus, List<HostDevice> others) {
        boolean display = h.attr("display").filter("on"::equals).isPresent();
        boolean ramfb = h.attr("ramfb").filter("on"::equals).isPresent();
        Optional<NodeDevices.Mdev> mdev = devices.mdev(uuid);
        if (mdev.isEmpty()) {
            gpus.add(new Gpu(GpuKind.VGPU, Optional.of(uuid), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), display, ramfb, Optional.empty()));
            return;
        }
        Optional<String> typeId = mdev.get().typeId();
        Optional<NodeDevices.Pci> parent = mdev.get().parent().flatMap(devices::pciByName);
        Optional<String> typeName = typeId.flatMap(t -> parent.map(p -> p.mdevTypes().get(t)));
        boolean nvidia = typeId.filter(t -> t.startsWith("nvidia-")).isPresent()
                || parent.flatMap(NodeDevices.Pci::vendorId).filter("10de"::equals).isPresent();
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
                ramfb, attrs));
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
        if (p.isNvidiaDisplay()) {
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
