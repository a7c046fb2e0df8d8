package dev.kvmigrate.converter;

import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Severity;
import java.util.Optional;

/**
 * Stable codes of the concerns the conversion itself adds (the scan's codes are
 * {@link dev.kvmigrate.inventory.concern.ConcernCode}). Listed in {@code docs/mappings.md}.
 */
public enum ConversionCode {
    GPU_RESOURCE_UNRESOLVED(Severity.BLOCKER, "No device-plugin resource name can be derived for a GPU and no mapping names one; add a gpus entry."),
    GPU_RESOURCE_FROM_DEVICE_ID(Severity.WARNING, "A passthrough GPU's product name is unknown; its resource is the bare device id, as the device plugin names devices missing from its pci.ids."),
    GPU_RAMFB_DROPPED(Severity.WARNING, "More than one GPU asks for ramfb; KubeVirt allows it on one GPU only, the later ones lose it."),
    HOSTDEV_UNMAPPED(Severity.BLOCKER, "A PCI or mediated host device has no resource mapping; add a hostDevices entry for its vendor:device (or mdev type)."),
    HOSTDEV_DROPPED(Severity.WARNING, "A USB/SCSI/other host device cannot be passed through by KubeVirt and is left out."),
    NETWORK_POD_DEFAULT(Severity.INFO, "An unmapped NIC is attached to the pod network with masquerade."),
    NETWORK_UNMAPPED(Severity.BLOCKER, "A NIC's network is not mapped and the pod network is already taken; add a networks entry."),
    NETWORK_POD_TWICE(Severity.BLOCKER, "Two NICs map to the pod network; a VM has one pod network, map the others to NetworkAttachmentDefinitions."),
    NIC_MODEL_REPLACED(Severity.WARNING, "A NIC model KubeVirt does not offer is replaced by virtio."),
    DISK_SIZE_REQUIRED(Severity.BLOCKER, "A disk's virtual size is unknown, so its volume cannot be sized; give 'size' in a storage.disks entry."),
    DISK_SKIPPED(Severity.INFO, "A disk entry that holds no image (empty CD-ROM, floppy) is not created."),
    DISK_NOT_CONVERTIBLE(Severity.BLOCKER, "A disk cannot become a DataVolume (direct LUN); migrate its data by other means."),
    DISK_BUS_CHANGED(Severity.WARNING, "A disk bus KubeVirt does not offer is changed (IDE → SATA, others → virtio)."),
    SECURE_BOOT_WITHOUT_SMM(Severity.WARNING, "Secure boot is requested without SMM on the source; KubeVirt needs SMM for secure boot, so it is turned off."),
    CLOCK_LOCALTIME(Severity.WARNING, "The guest clock runs in local time without a named zone; the target uses UTC, set clock.timezone if the guest needs local time."),
    HUGEPAGES_SIZE(Severity.WARNING, "The hugepage size is neither 2Mi nor 1Gi; the guest is not backed by hugepages on the target."),
    MACHINE_Q35(Severity.WARNING, "The source machine type is not q35; the target runs q35, so the guest sees a new chipset."),
    WATCHDOG_DROPPED(Severity.WARNING, "A watchdog model other than i6300esb is left out."),
    TPM_ADDED(Severity.INFO, "A persistent TPM is added for a Windows guest."),
    NAME_CHANGED(Severity.INFO, "The VM's Kubernetes name differs from its source name; the source name is kept in an annotation.");

    private final Severity severity;
    private final String meaning;

    ConversionCode(Severity severity, String meaning) {
        this.severity = severity;
        this.meaning = meaning;
    }

    public Severity severity() {
        return severity;
    }

    public String meaning() {
        return meaning;
    }

    public Concern at(String field, String message) {
        return new Concern(severity, name(), message, Optional.of(field));
    }

    public Concern of(String message) {
        return new Concern(severity, name(), message, Optional.empty());
    }
}
