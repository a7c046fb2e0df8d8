package dev.kvmigrate.inventory.model;

import dev.kvmigrate.common.disk.DiskLocation;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
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

    /**
     * Where the importer reads this disk's bytes, for an inventory from {@code source}; empty when kv-migrate cannot
     * read them (no image, a block device, a direct LUN, network storage other than HTTP(S)). A file on a remote
     * libvirt host is its storage-pool volume when one is recorded, else a {@link DiskLocation.LibvirtFile} (read
     * through a transient pool on its directory).
     */
    public Optional<DiskLocation> location(SourceRef source) {
        return switch (type) {
            case FILE -> location.isEmpty() ? Optional.empty() : file(source);
            case VOLUME -> pool.isPresent() && volume.isPresent() && source.kind() == SourceKind.LIBVIRT
                    ? Optional.of(new DiskLocation.LibvirtVolume(source.location(), pool.get(), volume.get()))
                    : Optional.empty();
            case OVA_ENTRY -> entry.map(e -> new DiskLocation.OvaMember(Path.of(location), e));
            case OVIRT_IMAGE -> source.kind() == SourceKind.OVIRT && !location.isEmpty()
                    ? Optional.of(new DiskLocation.OvirtDisk(URI.create(source.location()), location))
                    : Optional.empty();
            case NETWORK -> url();
            case BLOCK, OVIRT_LUN, NONE -> Optional.empty();
        };
    }

    private Optional<DiskLocation> file(SourceRef source) {
        if (source.kind() == SourceKind.LIBVIRT && !isLocalUri(source.location())) {
            // A path on another host is read through the daemon: as its pool's volume, else by its path.
            if (pool.isPresent() && volume.isPresent()) {
                return Optional.of(new DiskLocation.LibvirtVolume(source.location(), pool.get(), volume.get()));
            }
            return location.startsWith("/")
                    ? Optional.of(new DiskLocation.LibvirtFile(source.location(), location))
                    : Optional.empty();
        }
        return Optional.of(new DiskLocation.LocalFile(Path.of(location)));
    }

    private Optional<DiskLocation> url() {
        String p = protocol.orElse("").toLowerCase(Locale.ROOT);
        if ((!p.equals("http") && !p.equals("https")) || host.isEmpty() || host.get().contains(",")) {
            return Optional.empty();
        }
        try {
            String path = location.startsWith("/") ? location : "/" + location;
            return Optional.of(new DiskLocation.Url(URI.create(p + "://" + host.get() + path)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A libvirt URI without a host ({@code qemu:///system}, {@code test:///…}) talks to this machine. */
    public static boolean isLocalUri(String uri) {
        try {
            String host = URI.create(uri).getHost();
            return host == null || host.isEmpty();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
