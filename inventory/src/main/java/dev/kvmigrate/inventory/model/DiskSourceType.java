package dev.kvmigrate.inventory.model;

/** Kinds of disk location. */
public enum DiskSourceType {
    /** A file on the source host. */
    FILE,
    /** A block device on the source host. */
    BLOCK,
    /** A network disk (rbd, iscsi, nbd, gluster, http…): {@code protocol} and {@code host} say which. */
    NETWORK,
    /** A libvirt storage pool volume: {@code pool} and {@code volume}. */
    VOLUME,
    /** An oVirt image disk, streamed through ovirt-imageio: {@code location} is the disk id. */
    OVIRT_IMAGE,
    /** An oVirt direct LUN: {@code location} is the LUN id. */
    OVIRT_LUN,
    /** An entry inside an OVA tar: {@code location} is the OVA, {@code entry} the member name. */
    OVA_ENTRY,
    /** No backing (empty drive). */
    NONE
}
