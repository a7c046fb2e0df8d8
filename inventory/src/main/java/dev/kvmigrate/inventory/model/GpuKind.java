package dev.kvmigrate.inventory.model;

/** How a GPU reaches the guest. */
public enum GpuKind {
    /** An NVIDIA vGPU: a mediated device carved from a physical GPU. */
    VGPU,
    /** A whole physical GPU assigned by PCI passthrough (VFIO). */
    PASSTHROUGH
}
