package dev.kvmigrate.common.image;

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
 */
public record ImageInfo(ImageFormat format, Compression compression, Optional<Long> virtualSize,
        Optional<String> backingFile) {
    public ImageInfo {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(compression, "compression");
        virtualSize = Objects.requireNonNullElse(virtualSize, Optional.empty());
        backingFile = Objects.requireNonNullElse(backingFile, Optional.empty());
    }
}
