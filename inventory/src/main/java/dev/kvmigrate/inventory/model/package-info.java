/**
 * The source-neutral inventory model: immutable records that every source (libvirt, oVirt, OVA, XML dumps)
 * fills the same way and that the converter reads without ever seeing source XML.
 *
 * <p>Conventions: no component is ever null; an absent value is an empty {@link java.util.Optional}, an
 * absent collection is empty. Sizes are bytes. Canonical constructors normalise {@code null} (as written by
 * a JSON/YAML reader for an omitted field) to empty, so omitted and empty mean the same thing on disk.
 *
 * <p>The on-disk form ({@code apiVersion: kv-migrate.dev/v1alpha2}, {@code kind: Inventory}) is read and
 * written by {@link dev.kvmigrate.inventory.model.InventoryCodec}; see {@code docs/inventory-format.md}.
 */
package dev.kvmigrate.inventory.model;
