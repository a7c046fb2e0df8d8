package dev.kvmigrate.inventory.libvirt;

import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskBus;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.DiskFormat;
import dev.kvmigrate.inventory.model.DiskSource;
import dev.kvmigrate.inventory.model.DiskSourceType;
import dev.kvmigrate.inventory.model.Nic;
import dev.kvmigrate.inventory.model.NicType;
import dev.kvmigrate.inventory.model.Tpm;
import dev.kvmigrate.inventory.model.Watchdog;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The {@code <devices>} of a domain other than host devices: disks, NICs, TPM, watchdog, consoles. */
final class DeviceParser {
    private DeviceParser() {}

    record Devices(List<Disk> disks, List<Nic> nics, Optional<Tpm> tpm, Optional<Watchdog> watchdog,
            List<String> graphics, List<String> video) {}

    static Devices parse(XmlNode domain, ParseContext ctx) {
        List<XmlNode> diskNodes = domain.all("devices/disk");
        List<Disk> disks = new ArrayList<>();
        for (int i = 0; i < diskNodes.size(); i++) {
            disks.add(disk(diskNodes.get(i), i, ctx));
        }
        disks = applyOsBootOrder(domain, disks);
        List<XmlNode> nicNodes = domain.all("devices/interface");
        List<Nic> nics = new ArrayList<>();
        for (XmlNode n : nicNodes) {
            nics.add(nic(n));
        }
        Optional<Tpm> tpm = domain.at("devices/tpm").map(t -> new Tpm(t.attr("model").orElse("tpm-tis"),
                t.attr("backend", "type").orElse("emulator"), t.attr("backend", "version")));
        Optional<Watchdog> watchdog = domain.at("devices/watchdog")
                .flatMap(w -> w.attr("model").map(m -> new Watchdog(m, w.attr("action").orElse("reset"))));
        List<String> graphics = domain.all("devices/graphics").stream().flatMap(g -> g.attr("type").stream())
                .collect(Collectors.toList());
        List<String> video = domain.all("devices/video").stream().flatMap(v -> v.attr("model", "type").stream())
                .filter(m -> !m.equals("none"))
                .collect(Collectors.toList());
        return new Devices(disks, nics, tpm, watchdog, graphics, video);
    }

    static Disk disk(XmlNode d, int index, ParseContext ctx) {
        String field = "disks[" + index + "]";
        DiskDevice device = switch (d.attr("device").orElse("disk")) {
            case "cdrom" -> DiskDevice.CDROM;
            case "floppy" -> DiskDevice.FLOPPY;
            case "lun" -> DiskDevice.LUN;
            default -> DiskDevice.DISK;
        };
        Optional<String> dev = d.attr("target", "dev");
        String target = dev.orElseGet(() -> {
            ctx.partial(field + ".target", "disk #" + (index + 1) + " has no <target dev>; named disk" + index);
            return "disk" + index;
        });
        DiskBus bus = d.attr("target", "bus").map(DeviceParser::bus).orElseGet(() -> busFromName(target));
        Optional<Integer> boot = ctx.lenient(d.attr("boot", "order"), field + ".bootOrder",
                ParseContext::positiveInt);
        return new Disk(target, device, source(d, field, ctx), format(d.attr("driver", "type")), Optional.empty(),
                Optional.empty(), bus, boot, d.child("readonly").isPresent(), d.child("shareable").isPresent(),
                d.text("serial"), d.attr("alias", "name"));
    }

    private static DiskSource source(XmlNode d, String field, ParseContext ctx) {
        Optional<XmlNode> src = d.child("source");
        String type = d.attr("type").orElse("file");
        if (src.isEmpty()) {
            return DiskSource.NONE;
        }
        XmlNode s = src.get();
        Optional<String> none = Optional.empty();
        switch (type) {
            case "file" -> {
                return s.attr("file").map(DiskSource::file).orElse(DiskSource.NONE);
            }
            case "block" -> {
                return s.attr("dev").map(p -> new DiskSource(DiskSourceType.BLOCK, p, none, none, none, none, none))
                        .orElse(DiskSource.NONE);
            }
            case "network" -> {
                String hosts = s.children("host").stream()
                        .map(h -> h.attr("name").orElse(h.attr("socket").orElse("")) + h.attr("port").map(p -> ":" + p)
                                .orElse(""))
                        .filter(h -> !h.isEmpty())
                        .collect(Collectors.joining(","));
                return new DiskSource(DiskSourceType.NETWORK, s.attr("name").orElse(""),
                        hosts.isEmpty() ? none : Optional.of(hosts), s.attr("protocol"), none, none, none);
            }
            case "volume" -> {
                Optional<String> pool = s.attr("pool");
                Optional<String> volume = s.attr("volume");
                return new DiskSource(DiskSourceType.VOLUME,
                        pool.orElse("") + "/" + volume.orElse(""), none, none, pool, volume, none);
            }
            default -> {
                ctx.partial(field + ".source", "disk source type '" + type + "' is not one kv-migrate can copy");
                return DiskSource.NONE;
            }
        }
    }

    static DiskFormat format(Optional<String> driverType) {
        return switch (driverType.orElse("").toLowerCase(Locale.ROOT)) {
            case "raw" -> DiskFormat.RAW;
            case "qcow2" -> DiskFormat.QCOW2;
            case "vmdk" -> DiskFormat.VMDK;
            case "vpc", "vhd" -> DiskFormat.VHD;
            case "vhdx" -> DiskFormat.VHDX;
            case "vdi" -> DiskFormat.VDI;
            case "iso" -> DiskFormat.ISO;
            default -> DiskFormat.UNKNOWN;
        };
    }

    static DiskBus bus(String bus) {
        return switch (bus.toLowerCase(Locale.ROOT)) {
            case "virtio" -> DiskBus.VIRTIO;
            case "sata" -> DiskBus.SATA;
            case "scsi" -> DiskBus.SCSI;
            case "ide" -> DiskBus.IDE;
            case "usb" -> DiskBus.USB;
            case "fdc" -> DiskBus.FDC;
            case "xen" -> DiskBus.XEN;
            case "sd" -> DiskBus.SD;
            case "nvme" -> DiskBus.NVME;
            default -> DiskBus.UNKNOWN;
        };
    }

    /** libvirt's own inference when {@code <target bus>} is absent. */
    static DiskBus busFromName(String dev) {
        if (dev.startsWith("vd")) {
            return DiskBus.VIRTIO;
        }
        if (dev.startsWith("sd")) {
            return DiskBus.SCSI;
        }
        if (dev.startsWith("hd")) {
            return DiskBus.IDE;
        }
        if (dev.startsWith("fd")) {
            return DiskBus.FDC;
        }
        if (dev.startsWith("xvd")) {
            return DiskBus.XEN;
        }
        return DiskBus.UNKNOWN;
    }

    /**
     * Without per-device {@code <boot order>}, {@code <os><boot dev='hd|cdrom|fd'/>} lists device kinds in boot
     * order; the first disk of each listed kind gets the next order. With any per-device order, those win.
     */
    static List<Disk> applyOsBootOrder(XmlNode domain, List<Disk> disks) {
        if (disks.stream().anyMatch(d -> d.bootOrder().isPresent())) {
            return disks;
        }
        List<Disk> out = new ArrayList<>(disks);
        int order = 1;
        for (XmlNode boot : domain.all("os/boot")) {
            Optional<DiskDevice> kind = switch (boot.attr("dev").orElse("")) {
                case "hd" -> Optional.of(DiskDevice.DISK);
                case "cdrom" -> Optional.of(DiskDevice.CDROM);
                case "fd" -> Optional.of(DiskDevice.FLOPPY);
                default -> Optional.empty();
            };
            if (kind.isEmpty()) {
                continue;
            }
            for (int i = 0; i < out.size(); i++) {
                Disk d = out.get(i);
                boolean matches = d.device() == kind.get()
                        || (kind.get() == DiskDevice.DISK && d.device() == DiskDevice.LUN);
                if (matches && d.bootOrder().isEmpty()) {
                    out.set(i, new Disk(d.target(), d.device(), d.source(), d.format(), d.virtualSize(),
                            d.allocatedSize(), d.bus(), Optional.of(order++), d.readOnly(), d.shareable(), d.serial(),
                            d.name()));
                    break;
                }
            }
        }
        return out;
    }

    static Nic nic(XmlNode n) {
        String type = n.attr("type").orElse("");
        NicType nicType = switch (type) {
            case "network" -> NicType.NETWORK;
            case "bridge" -> NicType.BRIDGE;
            case "direct" -> NicType.DIRECT;
            case "hostdev" -> NicType.HOSTDEV;
            case "vhostuser" -> NicType.VHOSTUSER;
            case "user" -> NicType.USER;
            default -> NicType.OTHER;
        };
        Optional<XmlNode> src = n.child("source");
        String network = switch (nicType) {
            case NETWORK -> src.flatMap(s -> s.attr("network")).orElse("");
            case BRIDGE -> src.flatMap(s -> s.attr("bridge")).orElse("");
            case DIRECT -> src.flatMap(s -> s.attr("dev")).orElse("");
            case HOSTDEV -> src.flatMap(s -> s.child("address")).flatMap(HostdevParser::pciAddress).orElse("");
            case VHOSTUSER -> src.flatMap(s -> s.attr("path")).orElse("");
            default -> src.flatMap(s -> s.attr("network").or(() -> s.attr("bridge")).or(() -> s.attr("dev"))
                    .or(() -> s.attr("address"))).or(() -> n.attr("target", "dev")).orElse("");
        };
        Optional<String> mode = nicType == NicType.DIRECT ? src.flatMap(s -> s.attr("mode")) : Optional.empty();
        // No <model>: the hypervisor picks its default; the target uses virtio either way.
        String model = n.attr("model", "type").orElse(null);
        boolean plugged = !n.attr("link", "state").filter("down"::equals).isPresent();
        return new Nic(n.attr("alias", "name").or(() -> n.attr("target", "dev")),
                n.attr("mac", "address").map(m -> m.toLowerCase(Locale.ROOT)), model, nicType, network, mode,
                plugged);
    }
}
