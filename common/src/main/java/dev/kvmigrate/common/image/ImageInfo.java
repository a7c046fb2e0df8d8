package dev.kvmigrate.common.image;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an image's header says.
 *
 * @param format container format
 * @param compression compression wrapped around the image; when not {@code NONE} the format and size are those
 *     of the compressed stream's first bytes only, and {@code virtualSize} is empty
 * @param virtualSize size the guest sees, in bytes, when the header gives it (raw: the file size)
 * @param backingFile backing file / parent the image depends on, when it has one (CDI refuses such images)
 * @param externalFiles other files that hold the image's data, as the header names them: a qcow2 external data
 *     file, the extents of a VMDK descriptor; empty for a self-contained image
 */
public record ImageInfo(ImageFormat format, Compression compression, Optional<Long> virtualSize,
        Optional<String> backingFile, List<String> externalFiles) {
    public ImageInfo {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(compression, "compression");
        virtualSize = Objects.requireNonNullElse(virtualSize, Optional.empty());
        backingFile = Objects.requireNonNullElse(backingFile, Optional.empty());
        externalFiles = externalFiles == null ? List.of() : List.copyOf(externalFiles);
    }

    /** An image whose header names no other file. */
    public ImageInfo(ImageFormat format, Compression compression, Optional<Long> virtualSize,
            Optional<String> backingFile) {
        this(format, compression, virtualSize, backingFile, List.of());
    }

    /** Whether every byte of the disk comes from this image alone: no backing file, no external data. */
    public boolean selfContained() {
        return backingFile.isEmpty() && externalFiles.isEmpty();
    }
}
