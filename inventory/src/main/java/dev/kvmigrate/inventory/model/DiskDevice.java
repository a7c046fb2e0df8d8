package dev.kvmigrate.inventory.model;

/** What a disk entry is to the guest. */
public enum DiskDevice {
    DISK,
    CDROM,
    FLOPPY,
    /** A raw SCSI LUN passed through (libvirt {@code device='lun'}, oVirt direct LUN). */
    LUN
}
