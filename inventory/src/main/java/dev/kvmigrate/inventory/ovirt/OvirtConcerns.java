package dev.kvmigrate.inventory.ovirt;

import static dev.kvmigrate.inventory.ovirt.EngineXml.bool;
import static dev.kvmigrate.inventory.ovirt.EngineXml.lng;
import static dev.kvmigrate.inventory.ovirt.EngineXml.ref;

import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The oVirt-specific concerns (Forklift's oVirt validation rules as a floor): what only the engine's own
 * fields reveal. Source-neutral rules (shareable disks, pinning, NUMA, TPM state, snapshots, power state) run on
 * the model elsewhere; what the target changes (machine type, buses, NIC models, watchdog, TPM added, direct LUNs,
 * names) the converter decides. Pure: no I/O.
 */
final class OvirtConcerns {
    private OvirtConcerns() {}

    static List<Concern> check(XmlNode vm, Vm mapped, EngineCatalog catalog) {
        List<Concern> out = new ArrayList<>();
        String name = mapped.name();
        if (bool(vm, "has_illegal_images")) {
            out.add(ConcernCode.DISK_ILLEGAL.of("VM " + name + " has illegal images; fix them on the engine"
                    + " (remove or repair the illegal snapshot volumes) and scan again"));
        }
        disks(vm, name, out);
        for (XmlNode snap : EngineXml.followed(vm, "snapshots", "snapshot").orElse(List.of())) {
            if (bool(snap, "persist_memorystate")) {
                out.add(ConcernCode.SNAPSHOT_MEMORY.of("VM " + name + ": snapshot '"
                        + snap.text("description").orElse(snap.attr("id").orElse("?"))
                        + "' holds memory state, which is not migrated"));
            }
        }
        if (mapped.placement().highAvailability()) {
            out.add(ConcernCode.HIGH_AVAILABILITY.at("placement.highAvailability", "VM " + name
                    + " is highly available on the engine; the target uses runStrategy Always"));
        }
        vm.text("cpu_pinning_policy").filter(p -> !p.equals("none") && !p.equals("manual")).ifPresent(p -> out.add(
                ConcernCode.CPU_POLICY.at("cpu", "VM " + name + ": CPU pinning policy " + p + " is not carried over")));
        vm.text("placement_policy/affinity").filter(a -> a.equals("pinned")).ifPresent(a -> out.add(
                ConcernCode.CPU_POLICY.at("placement", "VM " + name + " is pinned to its host (affinity pinned);"
                        + " the target schedules it freely")));
        mapped.cpu().shares().ifPresent(s -> out.add(ConcernCode.CPU_SHARES.at("cpu.shares", "VM " + name
                + ": CPU shares " + s + " become CPU requests")));
        mapped.cpu().model().ifPresent(m -> out.add(ConcernCode.CPU_CUSTOM_MODEL.at("cpu.model", "VM " + name
                + ": custom CPU model " + m + " must be offered by the target nodes")));
        if (bool(vm, "usb/enabled")) {
            out.add(ConcernCode.USB_REDIRECTION.at("usb", "VM " + name + " has USB enabled ("
                    + vm.text("usb/type").orElse("native") + "); USB redirection is not migrated"));
        }
        if (mapped.graphics().contains("spice")) {
            out.add(ConcernCode.DISPLAY_SPICE.at("graphics", "VM " + name + " uses a SPICE display; the target"
                    + " offers VNC"));
        }
        nics(vm, name, catalog, out);
        return out;
    }

    private static void disks(XmlNode vm, String name, List<Concern> out) {
        List<XmlNode> atts = EngineXml.followed(vm, "disk_attachments", "disk_attachment").orElse(List.of());
        for (int i = 0; i < atts.size(); i++) {
            XmlNode att = atts.get(i);
            XmlNode d = att.child("disk").orElse(att);
            String field = "disks[" + i + "]";
            String disk = "VM " + name + ": disk " + d.text("alias").or(() -> d.attr("id")).orElse("#" + i);
            String status = d.text("status").orElse("ok").toLowerCase(Locale.ROOT);
            if (status.equals("illegal")) {
                out.add(ConcernCode.DISK_ILLEGAL.at(field, disk + " is illegal; repair it on the engine first"));
            } else if (status.equals("locked")) {
                out.add(ConcernCode.DISK_LOCKED.at(field, disk + " is locked by a running operation; wait for it"
                        + " and scan again"));
            }
            boolean lun = d.text("storage_type").filter("lun"::equalsIgnoreCase).isPresent();
            if (!lun && d.child("provisioned_size").isPresent() && lng(d, "provisioned_size").orElse(0L) <= 0) {
                out.add(ConcernCode.DISK_SIZE_UNKNOWN.warningAt(field + ".virtualSize", disk + " reports provisioned"
                        + " size " + d.text("provisioned_size").orElse("?") + "; give its size in a storage.disks"
                        + " entry"));
            }
            if (bool(att, "uses_scsi_reservation") || d.text("sgio").filter("unfiltered"::equals).isPresent()) {
                out.add(ConcernCode.DISK_SCSI_RESERVATION.at(field, disk + " uses SCSI reservation"));
            }
        }
    }

    private static void nics(XmlNode vm, String name, EngineCatalog catalog, List<Concern> out) {
        List<XmlNode> nics = EngineXml.followed(vm, "nics", "nic").orElse(List.of());
        for (int i = 0; i < nics.size(); i++) {
            XmlNode nic = nics.get(i);
            String field = "nics[" + i + "]";
            String what = "VM " + name + ": NIC " + nic.text("name").orElse("#" + i);
            Optional<XmlNode> profile = nic.child("vnic_profile").filter(p -> p.child("name").isPresent())
                    .or(() -> ref(nic, "vnic_profile").flatMap(catalog::vnicProfile));
            if (nic.text("plugged").filter("false"::equals).isPresent()) {
                out.add(ConcernCode.NIC_UNPLUGGED.at(field, what + " is unplugged; it is left out on the target"));
            }
            if (profile.isEmpty()) {
                continue;
            }
            String pname = profile.get().text("name").orElse("?");
            if (profile.get().child("network_filter").isPresent()) {
                out.add(ConcernCode.NIC_NETWORK_FILTER.at(field, what + ": vNIC profile " + pname
                        + " sets a network filter, which KubeVirt has no equivalent for"));
            }
            if (bool(profile.get(), "port_mirroring")) {
                out.add(ConcernCode.NIC_PORT_MIRRORING.at(field, what + ": vNIC profile " + pname
                        + " mirrors ports"));
            }
            if (profile.get().child("qos").isPresent()) {
                out.add(ConcernCode.NIC_QOS.at(field, what + ": vNIC profile " + pname + " sets QoS"));
            }
        }
    }
}
