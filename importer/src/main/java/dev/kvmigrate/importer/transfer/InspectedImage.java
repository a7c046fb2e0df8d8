package dev.kvmigrate.importer.transfer;

import dev.kvmigrate.common.image.Compression;
import dev.kvmigrate.common.image.ImageFormat;
import dev.kvmigrate.importer.source.ImageSource;
import java.util.Objects;
import java.util.Optional;

/**
 * A source with what its header says.
 *
 * @param source where the bytes come from
 * @param format the image format inside any compression
 * @param compression compression wrapped around the stored bytes
 * @param virtualSize the disk size the guest sees, when the header (or a raw file's length) tells
 */
public record InspectedImage(ImageSource source, ImageFormat format, Compression compression,
        Optional<Long> virtualSize) {
    public InspectedImage {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(compression, "compression");
        virtualSize = Objects.requireNonNullElse(virtualSize, Optional.empty());
    }

    /** Raw (or ISO) content: its bytes are the disk's bytes once unwrapped. */
    public boolean isRaw() {
        return format == ImageFormat.RAW || format == ImageFormat.ISO;
    }
}
