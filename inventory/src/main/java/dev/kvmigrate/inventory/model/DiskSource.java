package dev.kvmigrate.inventory.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a disk's bytes live, as the importer needs it to stream them.
 *
 * @param type the kind of location
 * @param location file or device path, network target ({@code pool/image}), oVirt disk id, or OVA path
 * @param host network host(s) or oVirt storage domain, when relevant
 * @param protocol network protocol ({@code rbd}, {@code iscsi}, {@code nbd}, {@code gluster}, {@code http}, …)
 * @param pool libvirt storage pool, when the disk is a pool volume
 * @param volume libvirt storage volume name, when known
 * @param entry the entry inside an OVA tar
 */
public record DiskSource(DiskSourceType type, String location, Optional<String> host, Optional<String> protocol,
        Optional<String> pool, Optional<String> volume, Optional<String> entry) {
    /** A disk with no source (an empty CD-ROM drive). */
    public static final DiskSource NONE = new DiskSource(DiskSourceType.NONE, "", Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public DiskSource {
        type = Objects.requireNonNullElse(type, DiskSourceType.NONE);
        location = Objects.requireNonNullElse(location, "");
        host = Objects.requireNonNullElse(host, Optional.empty());
        protocol = Objects.requireNonNullElse(protocol, Optional.empty());
        pool = Objects.requireNonNullElse(pool, Optional.empty());
        volume = Objects.requireNonNullElse(volume, Optional.empty());
        entry = Objects.requireNonNullElse(entry, Optional.empty());
    }

    /** A local file. */
    public static DiskSource file(String path) {
        return new DiskSource(DiskSourceType.FILE, path, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }
}
