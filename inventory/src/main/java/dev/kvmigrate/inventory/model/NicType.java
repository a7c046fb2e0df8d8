package dev.kvmigrate.inventory.model;

/** How a NIC connects on the source. */
public enum NicType {
    /** libvirt virtual network. */
    NETWORK,
    /** Host bridge. */
    BRIDGE,
    /** macvtap / direct to a host device. */
    DIRECT,
    /** SR-IOV VF or other PCI device assigned as a NIC. */
    HOSTDEV,
    /** vhost-user socket. */
    VHOSTUSER,
    /** User-mode (slirp/passt) networking. */
    USER,
    /** oVirt vNIC profile on a logical network. */
    VNIC_PROFILE,
    /** Anything else (ethernet, mcast, udp, …). */
    OTHER
}
