package dev.kvmigrate.inventory.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One virtual machine as the source describes it.
 *
 * @param id source-unique id (libvirt UUID, oVirt VM id, OVF VirtualSystem id)
 * @param name the name on the source, unchanged (the converter derives the Kubernetes name)
 * @param sourceRef the source-specific handle: libvirt domain name, oVirt VM href, OVA path
 * @param title short human title, when the source has one
 * @param description free text, when the source has one
 * @param powerState state at scan time
 * @param cpu vCPUs, topology, model, pinning
 * @param memory sizes, hugepages, NUMA
 * @param firmware BIOS/UEFI, secure boot, machine type, arch
 * @param os guest OS hint (libosinfo id, oVirt OS type), when known
 * @param features hypervisor features the guest relies on
 * @param clock clock offset and timers
 * @param disks every disk, CD-ROM and floppy, in source order
 * @param nics every network interface
 * @param gpus vGPUs and passthrough GPUs
 * @param hostDevices other host devices (non-GPU PCI, USB, SCSI, mdevs that are not GPUs)
 * @param tpm the TPM, if any
 * @param watchdog the watchdog, if any
 * @param graphics graphics consoles by type ({@code spice}, {@code vnc}, …)
 * @param video video adapter models ({@code qxl}, {@code virtio}, …)
 * @param placement cluster/host and high availability, where the source has such notions
 * @param customProperties source custom properties, kept verbatim (oVirt {@code mdev_type}, …)
 * @param snapshots number of snapshots on the source
 * @param concerns what the scan found that affects migration, with stable codes
 */
public record Vm(
        String id,
        String name,
        String sourceRef,
        Optional<String> title,
        Optional<String> description,
        PowerState powerState,
        Cpu cpu,
        Memory memory,
        Firmware firmware,
        Optional<String> os,
        Features features,
        Clock clock,
        List<Disk> disks,
        List<Nic> nics,
        List<Gpu> gpus,
        List<HostDevice> hostDevices,
        Optional<Tpm> tpm,
        Optional<Watchdog> watchdog,
        List<String> graphics,
        List<String> video,
        Placement placement,
        Map<String, String> customProperties,
        int snapshots,
        List<Concern> concerns) {

    public Vm {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        sourceRef = Objects.requireNonNullElse(sourceRef, name);
        title = Objects.requireNonNullElse(title, Optional.empty());
        description = Objects.requireNonNullElse(description, Optional.empty());
        powerState = Objects.requireNonNullElse(powerState, PowerState.UNKNOWN);
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(firmware, "firmware");
        os = Objects.requireNonNullElse(os, Optional.empty());
        features = Objects.requireNonNullElse(features, Features.NONE);
        clock = Objects.requireNonNullElse(clock, Clock.UTC);
        disks = List.copyOf(Objects.requireNonNullElse(disks, List.of()));
        nics = List.copyOf(Objects.requireNonNullElse(nics, List.of()));
        gpus = List.copyOf(Objects.requireNonNullElse(gpus, List.of()));
        hostDevices = List.copyOf(Objects.requireNonNullElse(hostDevices, List.of()));
        tpm = Objects.requireNonNullElse(tpm, Optional.empty());
        watchdog = Objects.requireNonNullElse(watchdog, Optional.empty());
        graphics = List.copyOf(Objects.requireNonNullElse(graphics, List.of()));
        video = List.copyOf(Objects.requireNonNullElse(video, List.of()));
        placement = Objects.requireNonNullElse(placement, Placement.NONE);
        customProperties = Map.copyOf(new TreeMap<>(Objects.requireNonNullElse(customProperties, Map.of())));
        if (snapshots < 0) {
            throw new IllegalArgumentException("VM " + name + ": snapshot count " + snapshots + " is negative");
        }
        concerns = List.copyOf(Objects.requireNonNullElse(concerns, List.of()));
    }

    /** A copy of this VM with {@code extra} appended to its concerns. */
    public Vm withConcerns(List<Concern> extra) {
        List<Concern> all = new java.util.ArrayList<>(concerns);
        all.addAll(extra);
        return new Vm(id, name, sourceRef, title, description, powerState, cpu, memory, firmware, os, features,
                clock, disks, nics, gpus, hostDevices, tpm, watchdog, graphics, video, placement, customProperties,
                snapshots, all);
    }

    /** Whether any concern of this VM blocks its migration. */
    public boolean blocked() {
        return concerns.stream().anyMatch(c -> c.severity() == Severity.BLOCKER);
    }
}
