package dev.kvmigrate.inventory.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One disk, CD-ROM or floppy.
 *
 * @param target the guest-visible name ({@code vda}, {@code sda}, oVirt logical name or alias)
 * @param device disk, CD-ROM, floppy or LUN
 * @param source where the bytes live; the importer streams from here
 * @param format image format
 * @param virtualSize size the guest sees, in bytes, when known
 * @param allocatedSize bytes actually allocated on the source, when known
 * @param bus the bus the guest sees the disk on
 * @param bootOrder 1-based boot order, when the disk is bootable
 * @param readOnly attached read-only
 * @param shareable attached to several VMs at once
 * @param serial disk serial, when set
 * @param name human name or alias on the source ({@code render-02-root}), when distinct from the target
 */
public record Disk(
        String target,
        DiskDevice device,
        DiskSource source,
        DiskFormat format,
        Optional<Long> virtualSize,
        Optional<Long> allocatedSize,
        DiskBus bus,
        Optional<Integer> bootOrder,
        boolean readOnly,
        boolean shareable,
        Optional<String> serial,
        Optional<String> name) {
    public Disk {
        Objects.requireNonNull(target, "target");
        device = Objects.requireNonNullElse(device, DiskDevice.DISK);
        source = Objects.requireNonNullElse(source, DiskSource.NONE);
        format = Objects.requireNonNullElse(format, DiskFormat.UNKNOWN);
        virtualSize = Objects.requireNonNullElse(virtualSize, Optional.empty());
        allocatedSize = Objects.requireNonNullElse(allocatedSize, Optional.empty());
        bus = Objects.requireNonNullElse(bus, DiskBus.VIRTIO);
        bootOrder = Objects.requireNonNullElse(bootOrder, Optional.empty());
        serial = Objects.requireNonNullElse(serial, Optional.empty());
        name = Objects.requireNonNullElse(name, Optional.empty());
        virtualSize.ifPresent(v -> requireNonNegative(target, "virtual size", v));
        allocatedSize.ifPresent(v -> requireNonNegative(target, "allocated size", v));
    }

    private static void requireNonNegative(String target, String what, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("disk " + target + ": " + what + " " + value + " is negative");
        }
    }

    /** A copy with the sizes replaced (e.g. once the image header or storage volume was read). */
    public Disk withSizes(Optional<Long> virtual, Optional<Long> allocated) {
        return new Disk(target, device, source, format, virtual, allocated, bus, bootOrder, readOnly, shareable,
                serial, name);
    }
}
