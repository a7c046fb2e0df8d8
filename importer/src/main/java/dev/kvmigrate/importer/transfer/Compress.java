package dev.kvmigrate.importer.transfer;

import java.util.Optional;

/**
 * The {@code --compress} choice for raw images (a local qcow2 read as raw counts: {@code
 * ImageSources.Context#rawWhereReadable}); container formats (qcow2 & co) otherwise go as they are.
 */
public enum Compress {
    /**
     * zstd frames with holes as RLE blocks and data at a level that follows the link: stored when the link is
     * faster than compressing, heavier as the link gets slower (see {@link LevelChooser}), and a share stored beside
     * the compressed frames where compression cannot fill the link ({@link StoredShare}).
     */
    AUTO,
    /** zstd level 1 for data, holes as RLE frames. */
    ZSTD,
    /** gzip level 1 of everything (CDI older than v1.57). */
    GZIP,
    /** Every byte as it is. */
    NONE;

    /** Above this share of allocated blocks a local raw image counts as dense. */
    private static final double DENSE = 0.9;

    /**
     * The wire encoding for {@code image}; empty = send the stored bytes unchanged. {@code AUTO} sends a local raw
     * image that the filesystem reports at least 90 % allocated as it is (known length; framing would only cost
     * the receiver a decoding pass), and every other raw image as zstd-adaptive.
     */
    public Optional<WireEncoding> encodingFor(InspectedImage image) {
        if (!image.isRaw()) {
            return Optional.empty();
        }
        return Optional.of(switch (this) {
            case AUTO -> dense(image) ? WireEncoding.RAW : WireEncoding.ZSTD_ADAPTIVE;
            case ZSTD -> WireEncoding.ZSTD;
            case GZIP -> WireEncoding.GZIP;
            case NONE -> WireEncoding.RAW;
        });
    }

    private static boolean dense(InspectedImage image) {
        if (image.compression() != dev.kvmigrate.common.image.Compression.NONE
                || !(image.source() instanceof dev.kvmigrate.importer.source.SeekableImageSource s)
                || s.slice().length() == 0) {
            return false;
        }
        long allocated = new FileSliceContent(s.slice().file(), s.slice().offset(), s.slice().length())
                .blockExtents().stream().mapToLong(dev.kvmigrate.importer.format.Extent::length).sum();
        return allocated >= DENSE * s.slice().length();
    }
}
