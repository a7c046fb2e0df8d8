package dev.kvmigrate.inventory.model;

/** Disk bus as the source attaches it. KubeVirt knows virtio, sata, scsi and usb. */
public enum DiskBus {
    VIRTIO,
    SATA,
    SCSI,
    IDE,
    USB,
    FDC,
    XEN,
    SD,
    NVME,
    UNKNOWN
}
