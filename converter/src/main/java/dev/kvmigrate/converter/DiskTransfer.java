package dev.kvmigrate.converter;

import dev.kvmigrate.common.disk.DiskLocation;
import dev.kvmigrate.inventory.model.DiskFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * One DataVolume of a migration unit and how its content arrives.
 *
 * @param dataVolume the DataVolume's name (also the directory target's image name)
 * @param sourceDisk the disk's guest-visible name on the source ({@code vda})
 * @param manifest the DataVolume object
 * @param population how CDI fills the volume
 * @param location where the disk's bytes are, for {@link Population#UPLOAD}
 * @param format the image format the source reports
 * @param virtualSize the disk's guest-visible size in bytes
 */
public record DiskTransfer(String dataVolume, String sourceDisk, Manifest manifest, Population population,
        Optional<DiskLocation> location, DiskFormat format, long virtualSize) {
    /** How a DataVolume gets its content. */
    public enum Population {
        /** kv-migrate sends the bytes (CDI {@code source.upload}, or a file in a directory target). */
        UPLOAD,
        /** CDI creates an empty volume ({@code source.blank}). */
        BLANK,
        /** CDI pulls the disk from the oVirt engine itself ({@code source.imageio}). */
        IMAGEIO
    }

    public DiskTransfer {
        Objects.requireNonNull(dataVolume, "dataVolume");
        Objects.requireNonNull(sourceDisk, "sourceDisk");
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(population, "population");
        location = Objects.requireNonNullElse(location, Optional.empty());
        Objects.requireNonNull(format, "format");
        if (population == Population.UPLOAD && location.isEmpty()) {
            throw new IllegalArgumentException("DataVolume " + dataVolume + ": an upload needs the disk's location");
        }
    }

    /** Whether kv-migrate moves this disk's bytes (blank and imageio-pulled volumes fill themselves). */
    public boolean needsImport() {
        return population == Population.UPLOAD;
    }
}
