package dev.kvmigrate.plans.run;

import dev.kvmigrate.converter.Manifest;
import java.util.Objects;
import java.util.Optional;

/**
 * One disk of a VM to bring across: its DataVolume and where its bytes are.
 *
 * @param vm the source VM name
 * @param dataVolume the DataVolume's name (and the directory target's image name)
 * @param manifest the DataVolume object
 * @param sourceLocation the image on the source (path, URL), absent for blank volumes
 * @param virtualSize the disk's size in bytes
 */
public record DiskWork(String vm, String dataVolume, Manifest manifest, Optional<String> sourceLocation,
        long virtualSize) {
    public DiskWork {
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(dataVolume, "dataVolume");
        Objects.requireNonNull(manifest, "manifest");
        sourceLocation = Objects.requireNonNullElse(sourceLocation, Optional.empty());
    }

    /** Blank volumes (CDI {@code source.blank}) and imageio-pulled ones have nothing to upload. */
    public boolean needsImport() {
        return sourceLocation.isPresent() && manifest.body().path("spec").path("source").has("upload");
    }
}
