package dev.kvmigrate.inventory.concern;

import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Severity;
import java.util.Optional;

/**
 * The stable concern codes. A code is never renamed or reused once released; {@code docs/concerns.md} lists
 * them (generated from this enum by {@code ConcernCodeDocTest}, which fails when the two disagree).
 */
public enum ConcernCode {
    // --- GPUs and host devices
    GPU_MDEV_MISSING(Severity.BLOCKER, "A vGPU's mediated device no longer exists on the host, so its type cannot be read; recreate the mdev or add a GPU mapping for the VM."),
    GPU_TYPE_NAME_UNKNOWN(Severity.BLOCKER, "A vGPU's type id is known but not its type name, which the device plugin advertises; add a GPU mapping for the type id."),
    GPU_PRODUCT_UNKNOWN(Severity.BLOCKER, "A passthrough GPU's PCI product is unknown, so its device-plugin resource name cannot be derived; add a GPU mapping for vendor:device."),
    GPU_MULTIPLE_RAMFB(Severity.WARNING, "More than one vGPU has ramfb on; KubeVirt allows ramfb on one GPU only, the others lose it."),
    HOSTDEV_PCI(Severity.WARNING, "A non-GPU PCI device is passed through; it migrates only when a resource mapping names it (KubeVirt hostDevices, feature gate HostDevices)."),
    HOSTDEV_MDEV(Severity.WARNING, "A mediated device that is not an NVIDIA vGPU is attached; it migrates only when a resource mapping names it."),
    HOSTDEV_SCSI(Severity.WARNING, "A host SCSI device is passed through; KubeVirt cannot pass it through and it is dropped."),
    USB_DEVICE(Severity.WARNING, "A host USB device is passed through or USB is enabled; KubeVirt USB host passthrough needs a separate resource and is not migrated."),

    // --- platform and firmware
    MACHINE_I440FX(Severity.WARNING, "The VM uses the i440fx machine type; KubeVirt runs q35 only, so the guest sees a new chipset (PCIe, SATA instead of IDE)."),
    SECURE_BOOT_NVRAM_NOT_CARRIED(Severity.WARNING, "UEFI variables (NVRAM) are not carried over; secure-boot keys and boot entries are re-created from defaults."),
    SECURE_BOOT(Severity.INFO, "UEFI secure boot is on; the target enables it with SMM."),
    TPM_STATE_NOT_CARRIED(Severity.WARNING, "The vTPM's state (keys, BitLocker sealing) is not carried over; a fresh persistent TPM is created."),
    TPM_WINDOWS_REQUIRED(Severity.WARNING, "Windows 11 / Server 2022 needs a TPM; the target must have a persistent TPM."),
    WATCHDOG(Severity.INFO, "A watchdog is configured; KubeVirt supports i6300esb only."),
    CPU_HOST_PASSTHROUGH(Severity.WARNING, "The CPU is host-passthrough; the guest sees the target node's CPU, and live migration needs identical nodes."),
    CPU_CUSTOM_MODEL(Severity.INFO, "A custom CPU model is set; the target must offer that model."),
    CPU_PINNED(Severity.WARNING, "vCPUs are pinned to host CPUs; the target uses dedicatedCpuPlacement instead of the exact pins."),
    CPU_SHARES(Severity.INFO, "CPU shares are set; KubeVirt uses CPU requests instead."),
    CPU_POLICY(Severity.INFO, "A CPU pinning or resource policy is set on the source; it is not carried over."),
    NUMA_TUNED(Severity.WARNING, "Memory is bound to host NUMA nodes or the guest has a NUMA topology; the target needs guestMappingPassthrough and dedicated CPUs."),
    HUGEPAGES(Severity.INFO, "The guest is backed by hugepages; the target nodes must offer that page size."),
    HIGH_AVAILABILITY(Severity.INFO, "The source restarts the VM on failure (HA); the target uses runStrategy Always."),

    // --- disks
    DISK_BUS_REMAPPED(Severity.WARNING, "A disk uses a bus KubeVirt does not offer (IDE, FDC, Xen, …) and is remapped (IDE → SATA); the guest must have the driver."),
    DISK_SHAREABLE(Severity.WARNING, "A disk is shared with other VMs; it needs a ReadWriteMany volume and is imported once."),
    DISK_NETWORK_BACKED(Severity.BLOCKER, "A disk lives on network storage (rbd, iscsi, nbd, gluster) that kv-migrate cannot stream; copy it by other means and map it."),
    DISK_SIZE_UNKNOWN(Severity.WARNING, "A disk's virtual size could not be read from the source or its image header; give its size in the storage map."),
    DISK_SIZE_INVALID(Severity.BLOCKER, "A disk reports a size of zero or less."),
    DISK_LUN(Severity.BLOCKER, "A direct LUN is attached; it is not an image kv-migrate can copy."),
    DISK_ILLEGAL(Severity.BLOCKER, "A disk or one of its images is illegal on the source; fix it on the source first."),
    DISK_LOCKED(Severity.BLOCKER, "A disk is locked on the source (an operation is running); wait and scan again."),
    DISK_SCSI_RESERVATION(Severity.WARNING, "SCSI reservation is enabled on a disk; KubeVirt persistent reservation needs a feature gate."),
    DISK_FORMAT_UNKNOWN(Severity.WARNING, "A disk's image format is unknown; the importer detects it from the bytes."),

    // --- network
    NIC_MODEL_UNSUPPORTED(Severity.WARNING, "A NIC model KubeVirt does not offer (vmxnet3, i82551, …) is replaced by virtio or e1000e."),
    NIC_DIRECT(Severity.WARNING, "A NIC is attached directly to a host device (macvtap); map it to a Multus or SR-IOV network."),
    NIC_HOSTDEV(Severity.WARNING, "A NIC is an SR-IOV VF or PCI device; map it to an SR-IOV network."),
    NIC_VHOSTUSER(Severity.WARNING, "A NIC uses vhost-user; it has no KubeVirt equivalent and needs a mapping."),
    NIC_NETWORK_FILTER(Severity.WARNING, "A network filter is set on a NIC; KubeVirt has no equivalent."),
    NIC_PORT_MIRRORING(Severity.WARNING, "Port mirroring is on for a NIC; KubeVirt has no equivalent."),
    NIC_QOS(Severity.INFO, "QoS is set on a NIC's profile; it is not carried over."),
    NIC_UNPLUGGED(Severity.INFO, "A NIC is unplugged on the source; it is created unplugged-equivalent (absent) on the target."),

    // --- state and identity
    VM_RUNNING(Severity.WARNING, "The VM is running; its disks must be copied while it is shut off."),
    SNAPSHOTS_PRESENT(Severity.WARNING, "The VM has snapshots; only the current state is migrated."),
    SNAPSHOT_MEMORY(Severity.WARNING, "A snapshot includes memory state, which is not migrated."),
    DISPLAY_SPICE(Severity.INFO, "SPICE display is configured; KubeVirt offers VNC only."),
    NAME_INVALID(Severity.INFO, "The VM name is not a valid Kubernetes name; the target uses the name shown."),
    ARCH_UNSUPPORTED(Severity.BLOCKER, "The guest architecture is not x86_64, which the GPU path and this converter target."),
    SOURCE_PARSE_PARTIAL(Severity.WARNING, "Part of the VM's definition could not be read; the fields named were left out."),

    // --- added with the oVirt and OVA sources
    DISK_IMAGE_MISSING(Severity.BLOCKER, "A disk the OVF descriptor lists has no image file in the OVA or its directory; re-export the VM."),
    DISK_SIZE_MISMATCH(Severity.WARNING, "A disk's size in the OVF descriptor differs from its image header; the header's size is used.");

    private final Severity severity;
    private final String meaning;

    ConcernCode(Severity severity, String meaning) {
        this.severity = severity;
        this.meaning = meaning;
    }

    public Severity severity() {
        return severity;
    }

    /** What the code means, for the documentation. */
    public String meaning() {
        return meaning;
    }

    /** A concern of this code, its default severity, about {@code field}. */
    public Concern at(String field, String message) {
        return new Concern(severity, name(), message, Optional.of(field));
    }

    /** A concern of this code about the VM as a whole. */
    public Concern of(String message) {
        return new Concern(severity, name(), message, Optional.empty());
    }
}
