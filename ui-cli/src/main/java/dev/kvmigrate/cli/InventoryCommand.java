package dev.kvmigrate.cli;

import picocli.CommandLine.Command;

/** {@code kv-migrate inventory …}: read what a source holds. */
@Command(name = "inventory", description = "Scan a source and list its VMs, disks, NICs and GPUs, with concerns.",
        mixinStandardHelpOptions = true, subcommands = {InventoryScanCommand.class})
final class InventoryCommand {}
