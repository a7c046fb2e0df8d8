package dev.kvmigrate.inventory.model;

/** Power state of a VM at scan time. Disks are copied from VMs that are {@link #SHUTOFF}. */
public enum PowerState {
    RUNNING,
    PAUSED,
    SUSPENDED,
    SHUTOFF,
    CRASHED,
    UNKNOWN
}
