package dev.kvmigrate.inventory.ova;

import dev.kvmigrate.common.image.Compression;
import dev.kvmigrate.common.image.ImageFormat;
import dev.kvmigrate.common.image.ImageInfo;
import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskBus;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.DiskFormat;
import dev.kvmigrate.inventory.model.DiskSource;
import dev.kvmigrate.inventory.model.Nic;
import dev.kvmigrate.inventory.model.NicType;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The hardware items of an OVF: disks (joined with DiskSection and References, sized from {@code ovf:capacity}
 * × {@code capacityAllocationUnits} and cross-checked with the image header), CD-ROMs, NICs, video.
 * DMTF resource types: 3 CPU, 4 memory, 5 IDE, 6 SCSI, 10 NIC, 14 floppy, 15/16 CD/DVD, 17 disk,
 * 20 other storage controller (SATA/NVMe; oVirt also uses it for its graphics device), 23 USB, 24 video.
 */
final class OvfHardware {
    private OvfHardware() {}

    record Devices(List<Disk> disks, List<Nic> nics, List<String> video) {}

    /** A DiskSection entry. */
    record OvfDisk(String diskId, Optional<String> fileRef, Optional<Long> capacity, Optional<String> format,
            Optional<Long> populated, Optional<String> iface, Optional<String> volumeFormat) {}

    /**
     * The devices of the {@code items} that {@code applies} keeps (the chosen deployment configuration). A
     * DiskSection disk no item refers to is added too, unless an item of another configuration claims it.
     */
    static Devices devices(XmlNode envelope, List<XmlNode> items, Predicate<XmlNode> applies,
            Function<String, Optional<DiskImage>> images, List<Concern> concerns) {
        Map<String, XmlNode> files = new LinkedHashMap<>();
        envelope.all("References/File").forEach(f -> f.attr("id").ifPresent(id -> files.put(id, f)));
        Map<String, OvfDisk> ovfDisks = new LinkedHashMap<>();
        for (XmlNode section : OvfMapper.sections(envelope, "DiskSection")) {
            for (XmlNode d : section.children("Disk")) {
                OvfDisk od = new OvfDisk(d.attr("diskId").orElse(d.attr("fileRef").orElse("disk" + ovfDisks.size())),
                        d.attr("fileRef"), OvfUnits.bytes(d.attr("capacity"), d.attr("capacityAllocationUnits")),
                        d.attr("format"), d.attr("populatedSize").flatMap(OvfUnits::parse), d.attr("disk-interface"),
                        d.attr("volume-format"));
                ovfDisks.put(od.diskId(), od);
            }
        }
        Map<String, XmlNode> byInstance = new LinkedHashMap<>();
        for (XmlNode item : items) {
            item.text("InstanceID").or(() -> item.text("InstanceId")).ifPresent(id -> byInstance.put(id, item));
        }
        List<Disk> disks = new ArrayList<>();
        List<Nic> nics = new ArrayList<>();
        List<String> video = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        for (XmlNode item : items) {
            String type = OvfMapper.resourceType(item);
            if (!applies.test(item)) {
                if (type.equals("17")) {
                    diskFor(item.text("HostResource").orElse(""), ovfDisks).ifPresent(d -> used.add(d.diskId()));
                }
                continue;
            }
            DiskBus parentBus = item.text("Parent").map(byInstance::get).map(OvfHardware::controllerBus)
                    .orElse(DiskBus.UNKNOWN);
            switch (type) {
                case "17" -> {
                    Optional<OvfDisk> od = diskFor(item.text("HostResource").orElse(""), ovfDisks);
                    od.ifPresent(d -> used.add(d.diskId()));
                    disks.add(disk(item, od, parentBus, files, images, concerns, disks.size()));
                }
                case "15", "16", "14" -> disks.add(new Disk(type.equals("14") ? "fd" + disks.size() : "cdrom" + disks.size(),
                        type.equals("14") ? DiskDevice.FLOPPY : DiskDevice.CDROM, DiskSource.NONE,
                        type.equals("14") ? DiskFormat.RAW : DiskFormat.ISO, Optional.empty(), Optional.empty(),
                        type.equals("14") ? DiskBus.FDC : parentBus == DiskBus.UNKNOWN ? DiskBus.SATA : parentBus,
                        Optional.empty(), true, false, Optional.empty(), item.text("ElementName").or(() -> item.text("Caption"))));
                case "10" -> nics.add(nic(item));
                case "24" -> video.add(item.text("ResourceSubType").orElse("vga"));
                case "20" -> item.text("Type").filter("video"::equalsIgnoreCase)
                        .ifPresent(t -> video.add(item.text("Device").orElse("vga")));
                default -> { }
            }
        }
        for (OvfDisk od : ovfDisks.values()) {
            if (!used.contains(od.diskId())) {
                disks.add(disk(null, Optional.of(od), DiskBus.UNKNOWN, files, images, concerns, disks.size()));
            }
        }
        return new Devices(disks, nics, video);
    }

    /** {@code ovf:/disk/vmdisk1} (DMTF) or the oVirt {@code DISK_ID/VOL_ID} that is also the disk's fileRef. */
    static Optional<OvfDisk> diskFor(String hostResource, Map<String, OvfDisk> disks) {
        String r = hostResource.replaceFirst("^ovf:", "");
        if (r.startsWith("/disk/")) {
            return Optional.ofNullable(disks.get(r.substring("/disk/".length())));
        }
        return disks.values().stream()
                .filter(d -> d.diskId().equals(r) || d.fileRef().filter(r::equals).isPresent()
                        || r.endsWith("/" + d.diskId()))
                .findFirst();
    }

    private static Disk disk(XmlNode item, Optional<OvfDisk> od, DiskBus parentBus, Map<String, XmlNode> files,
            Function<String, Optional<DiskImage>> images, List<Concern> concerns, int index) {
        String field = "disks[" + index + "]";
        Optional<XmlNode> file = od.flatMap(OvfDisk::fileRef).map(files::get);
        Optional<String> href = file.flatMap(f -> f.attr("href"));
        Optional<DiskImage> image = href.flatMap(images);
        String label = od.map(OvfDisk::diskId).orElse("#" + index);
        if (image.isEmpty()) {
            concerns.add(ConcernCode.DISK_IMAGE_MISSING.at(field, "disk " + label + ": image "
                    + href.orElse("(no file reference)") + " is not in the OVA; re-export the VM"));
        }
        Optional<ImageInfo> info = image.flatMap(DiskImage::info).filter(i -> i.compression() == Compression.NONE);
        Optional<Long> ovfSize = od.flatMap(OvfDisk::capacity);
        Optional<Long> headerSize = info.flatMap(ImageInfo::virtualSize);
        if (ovfSize.isPresent() && headerSize.isPresent() && !ovfSize.equals(headerSize)) {
            concerns.add(ConcernCode.DISK_SIZE_MISMATCH.at(field + ".virtualSize", "disk " + label + ": the OVF says "
                    + ovfSize.get() + " bytes, the image header " + headerSize.get() + "; the header's size is used"));
        }
        DiskFormat format = info.map(i -> format(i.format()))
                .orElse(od.map(OvfHardware::declaredFormat).orElse(DiskFormat.UNKNOWN));
        DiskBus bus = od.flatMap(OvfDisk::iface).map(OvfHardware::ovirtBus).orElse(parentBus);
        Optional<Integer> boot = item == null ? Optional.empty()
                : OvfMapper.positive(item.text("BootOrder"));
        Optional<Long> allocated = od.flatMap(OvfDisk::populated).or(() -> image.map(DiskImage::fileSize));
        String target = item == null ? label : item.text("ElementName").or(() -> item.text("Caption")).orElse(label);
        return new Disk(target, DiskDevice.DISK, image.map(DiskImage::source).orElse(DiskSource.NONE), format,
                headerSize.or(() -> ovfSize), allocated, bus, boot, false, false, Optional.empty(), href);
    }

    static DiskFormat declaredFormat(OvfDisk d) {
        String vf = d.volumeFormat().orElse("").toUpperCase(Locale.ROOT);
        if (vf.equals("COW")) {
            return DiskFormat.QCOW2;
        }
        if (vf.equals("RAW")) {
            return DiskFormat.RAW;
        }
        String f = d.format().orElse("").toLowerCase(Locale.ROOT);
        return f.contains("vmdk") ? DiskFormat.VMDK : f.contains("qcow") ? DiskFormat.QCOW2
                : f.contains("vhd") ? DiskFormat.VHD : DiskFormat.UNKNOWN;
    }

    static DiskFormat format(ImageFormat f) {
        return switch (f) {
            case RAW -> DiskFormat.RAW;
            case QCOW2 -> DiskFormat.QCOW2;
            case VMDK -> DiskFormat.VMDK;
            case VHD -> DiskFormat.VHD;
            case VHDX -> DiskFormat.VHDX;
            case VDI -> DiskFormat.VDI;
            case ISO -> DiskFormat.ISO;
            default -> DiskFormat.UNKNOWN;
        };
    }

    static DiskBus controllerBus(XmlNode controller) {
        String type = OvfMapper.resourceType(controller);
        String sub = controller.text("ResourceSubType").orElse("").toLowerCase(Locale.ROOT);
        return switch (type) {
            case "5" -> DiskBus.IDE;
            case "6" -> DiskBus.SCSI;
            case "20" -> sub.contains("nvme") ? DiskBus.NVME : DiskBus.SATA;
            default -> DiskBus.UNKNOWN;
        };
    }

    static DiskBus ovirtBus(String iface) {
        return switch (iface.toLowerCase(Locale.ROOT)) {
            case "virtio" -> DiskBus.VIRTIO;
            case "virtio_scsi", "spapr_vscsi" -> DiskBus.SCSI;
            case "ide" -> DiskBus.IDE;
            case "sata" -> DiskBus.SATA;
            default -> DiskBus.UNKNOWN;
        };
    }

    /**
     * NIC models: DMTF/VMware subtype names, or oVirt's numeric interface types (3 = virtio). oVirt's PCI passthrough
     * type (5) and VMware's {@code SriovEthernetCard} are host devices (an SR-IOV VF), not emulated NICs.
     */
    static Nic nic(XmlNode item) {
        String sub = item.text("ResourceSubType").orElse("").toLowerCase(Locale.ROOT);
        String model = switch (sub) {
            case "0" -> "rtl8139_pv";
            case "1" -> "rtl8139";
            case "pcnet32" -> "pcnet";
            case "2", "e1000" -> "e1000";
            case "e1000e" -> "e1000e";
            case "3", "virtio" -> "virtio";
            case "5" -> "pci_passthrough";
            case "sriovethernetcard" -> "sriov";
            case "vmxnet3" -> "vmxnet3";
            case "" -> "virtio";
            default -> sub;
        };
        Optional<String> mac = item.text("MACAddress")
                .or(() -> item.text("Address").filter(a -> a.matches("(?i)([0-9a-f]{2}[:-]){5}[0-9a-f]{2}")))
                .map(m -> m.toLowerCase(Locale.ROOT).replace('-', ':'));
        NicType type = model.equals("pci_passthrough") || model.equals("sriov") ? NicType.HOSTDEV : NicType.NETWORK;
        return new Nic(item.text("Name").or(() -> item.text("ElementName")), mac, model, type,
                item.text("Connection").orElse(""), Optional.empty(), true);
    }
}
