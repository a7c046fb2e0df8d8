package dev.kvmigrate.importer.transfer;

import java.util.Optional;

/** The {@code --compress} choice for raw images; container formats (qcow2 & co) always go as they are. */
public enum Compress {
    /** zstd frames with data stored and holes as RLE blocks: cost follows allocated data, no compression CPU. */
    AUTO,
    /** zstd level 1 for data, holes as RLE frames. */
    ZSTD,
    /** gzip level 1 of everything (CDI older than v1.57). */
    GZIP,
    /** Every byte as it is. */
    NONE;

    /** The wire encoding for {@code image}; empty = send the stored bytes unchanged. */
    public Optional<WireEncoding> encodingFor(InspectedImage image) {
        if (!image.isRaw()) {
            return Optional.empty();
        }
        return Optional.of(switch (this) {
            case AUTO -> WireEncoding.ZSTD_SPARSE;
            case ZSTD -> WireEncoding.ZSTD;
            case GZIP -> WireEncoding.GZIP;
            case NONE -> WireEncoding.RAW;
        });
    }
}
