package dev.kvmigrate.inventory.model;

/** Kinds of non-GPU host device. */
public enum HostDeviceKind {
    PCI,
    USB,
    SCSI,
    MDEV,
    OTHER
}
