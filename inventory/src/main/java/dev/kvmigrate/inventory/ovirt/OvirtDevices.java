package dev.kvmigrate.inventory.ovirt;

import static dev.kvmigrate.inventory.ovirt.EngineXml.bool;
import static dev.kvmigrate.inventory.ovirt.EngineXml.lng;
import static dev.kvmigrate.inventory.ovirt.EngineXml.ref;

import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskBus;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.DiskFormat;
import dev.kvmigrate.inventory.model.DiskSource;
import dev.kvmigrate.inventory.model.DiskSourceType;
import dev.kvmigrate.inventory.model.Firmware;
import dev.kvmigrate.inventory.model.Nic;
import dev.kvmigrate.inventory.model.NicType;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Disks (via disk attachments), CD-ROMs and NICs of one engine VM. Pure: no I/O. */
final class OvirtDevices {
    private OvirtDevices() {}

    record Result(List<Disk> disks, List<Nic> nics, List<Concern> concerns) {}

    static Result map(XmlNode vm, EngineCatalog catalog, Firmware firmware) {
        List<Concern> concerns = new ArrayList<>();
        OvirtVmMapper.missing(vm, "disk_attachments", "disks").ifPresent(concerns::add);
        OvirtVmMapper.missing(vm, "nics", "nics").ifPresent(concerns::add);
        List<Disk> disks = new ArrayList<>();
        int boot = 0;
        for (XmlNode att : EngineXml.followed(vm, "disk_attachments", "disk_attachment").orElse(List.of())) {
            boolean bootable = bool(att, "bootable");
            disks.add(disk(att, catalog, bootable ? Optional.of(++boot) : Optional.empty(), disks.size()));
        }
        DiskBus cdromBus = firmware.machineType().filter(m -> m.contains("q35")).isPresent() ? DiskBus.SATA
                : DiskBus.IDE;
        for (XmlNode cd : EngineXml.followed(vm, "cdroms", "cdrom").orElse(List.of())) {
            Optional<String> file = ref(cd, "file");
            DiskSource src = file.map(f -> new DiskSource(DiskSourceType.FILE, f, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty())).orElse(DiskSource.NONE);
            disks.add(new Disk("cdrom" + disks.size(), DiskDevice.CDROM, src, DiskFormat.ISO, Optional.empty(),
                    Optional.empty(), cdromBus, Optional.empty(), true, false, Optional.empty(), file));
        }
        List<Nic> nics = new ArrayList<>();
        for (XmlNode nic : EngineXml.followed(vm, "nics", "nic").orElse(List.of())) {
            nics.add(nic(nic, catalog));
        }
        return new Result(disks, nics, concerns);
    }

    static Disk disk(XmlNode att, EngineCatalog catalog, Optional<Integer> bootOrder, int index) {
        XmlNode d = att.child("disk").orElse(att);
        String diskId = d.attr("id").or(() -> att.attr("id")).orElse("disk" + index);
        boolean lun = d.text("storage_type").filter("lun"::equalsIgnoreCase).isPresent();
        Optional<String> alias = d.text("alias").or(() -> d.text("name"));
        String target = att.text("logical_name").or(() -> alias).orElse("disk" + index);
        Optional<String> domain = d.all("storage_domains/storage_domain").stream().findFirst()
                .flatMap(sd -> sd.attr("id").flatMap(id -> catalog.storageDomainName(id).or(() -> Optional.of(id))));
        DiskSource source = lun
                ? new DiskSource(DiskSourceType.OVIRT_LUN, lunId(d).orElse(diskId), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())
                : new DiskSource(DiskSourceType.OVIRT_IMAGE, diskId, domain, Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty());
        Optional<Long> virtual = lng(d, "provisioned_size").filter(v -> v >= 0)
                .or(() -> lng(d, "lun_storage/logical_units/logical_unit/size").filter(v -> v >= 0));
        Optional<Long> allocated = lng(d, "actual_size").filter(v -> v >= 0);
        return new Disk(target, lun ? DiskDevice.LUN : DiskDevice.DISK, source, format(d.text("format").orElse("")),
                virtual, allocated, bus(att.text("interface").orElse("")), bootOrder, bool(att, "read_only"),
                bool(d, "shareable"), d.text("wwn").or(() -> Optional.of(diskId)), alias);
    }

    static Optional<String> lunId(XmlNode disk) {
        return disk.all("lun_storage/logical_units/logical_unit").stream().findFirst().flatMap(l -> l.attr("id"));
    }

    static DiskFormat format(String f) {
        return switch (f.toLowerCase(Locale.ROOT)) {
            case "cow" -> DiskFormat.QCOW2;
            case "raw" -> DiskFormat.RAW;
            default -> DiskFormat.UNKNOWN;
        };
    }

    static DiskBus bus(String iface) {
        return switch (iface.toLowerCase(Locale.ROOT)) {
            case "virtio" -> DiskBus.VIRTIO;
            case "virtio_scsi", "spapr_vscsi" -> DiskBus.SCSI;
            case "sata" -> DiskBus.SATA;
            case "ide" -> DiskBus.IDE;
            default -> DiskBus.UNKNOWN;
        };
    }

    static Nic nic(XmlNode nic, EngineCatalog catalog) {
        Optional<String> profileId = ref(nic, "vnic_profile");
        Optional<XmlNode> profile = nic.child("vnic_profile").filter(p -> p.child("name").isPresent())
                .or(() -> profileId.flatMap(catalog::vnicProfile));
        Optional<String> networkId = profile.flatMap(p -> ref(p, "network"));
        String network = profile.flatMap(p -> p.child("network").flatMap(n -> n.text("name")))
                .or(() -> networkId.flatMap(catalog::networkName))
                .or(() -> networkId)
                .orElse("");
        String model = nic.text("interface").orElse("virtio").toLowerCase(Locale.ROOT);
        boolean passthrough = model.equals("pci_passthrough")
                || profile.flatMap(p -> p.text("pass_through/mode")).filter("enabled"::equals).isPresent();
        return new Nic(nic.text("name"), nic.text("mac/address").map(m -> m.toLowerCase(Locale.ROOT)), model,
                passthrough ? NicType.HOSTDEV : NicType.VNIC_PROFILE, network,
                profile.flatMap(p -> p.text("name")), !nic.text("plugged").filter("false"::equals).isPresent());
    }
}
