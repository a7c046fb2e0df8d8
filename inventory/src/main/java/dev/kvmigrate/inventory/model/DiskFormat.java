package dev.kvmigrate.inventory.model;

/** Image format of a disk's bytes. */
public enum DiskFormat {
    RAW,
    QCOW2,
    VMDK,
    VHD,
    VHDX,
    VDI,
    ISO,
    UNKNOWN
}
