package dev.kvmigrate.inventory.model;

/** Firmware type. */
public enum BootMode {
    BIOS,
    UEFI
}
