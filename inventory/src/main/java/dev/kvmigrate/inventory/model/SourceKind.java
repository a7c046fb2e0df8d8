package dev.kvmigrate.inventory.model;

/** The kinds of source kv-migrate can scan. */
public enum SourceKind {
    /** A libvirt connection URI, read through libvirt-java. */
    LIBVIRT,
    /** A directory of {@code virsh dumpxml} / {@code virsh nodedev-dumpxml} output. */
    XML_DUMP,
    /** An oVirt / RHV engine, REST API v4. */
    OVIRT,
    /** An OVA archive or an OVF descriptor. */
    OVA
}
