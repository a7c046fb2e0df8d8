package dev.kvmigrate.inventory.model;

/** How a GPU reaches the guest. */
public enum GpuKind {
    /** An NVIDIA vGPU: a mediated device carved from a physical GPU (or, on Ampere with SR-IOV on, from a VF). */
    VGPU,
    /** A whole physical GPU assigned by PCI passthrough (VFIO). */
    PASSTHROUGH,
    /**
     * An NVIDIA SR-IOV vGPU (vGPU 17+ on Ada, Hopper, Blackwell): a virtual function of the GPU, bound to the
     * {@code nvidia} driver with a vGPU profile set in sysfs, assigned to the guest as a PCI device. No mdev exists.
     */
    SRIOV_VGPU
}
