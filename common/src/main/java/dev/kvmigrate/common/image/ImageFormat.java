package dev.kvmigrate.common.image;

/** Disk image container formats recognised by their magic bytes. */
public enum ImageFormat {
    RAW,
    QCOW2,
    VMDK,
    VHD,
    VHDX,
    VDI,
    ISO
}
