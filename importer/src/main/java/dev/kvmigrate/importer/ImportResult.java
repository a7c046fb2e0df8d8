package dev.kvmigrate.importer;

import java.util.Objects;

/**
 * The outcome of one successful import.
 *
 * @param disk disk name
 * @param source where the bytes came from
 * @param target where they went ({@code dir:/path/name.img}, {@code dv/NS/NAME}, {@code pvc/NS/NAME})
 * @param outcome imported now, or found already there
 * @param format the source image format (raw, qcow2, …)
 * @param encoding how the bytes travelled ({@code zstd-adaptive}, {@code zstd-sparse}, {@code raw}, {@code as-is}, {@code qemu-img})
 * @param contentBytes bytes of content handled (logical disk bytes, or stored bytes for images sent unchanged)
 * @param wireBytes bytes sent in the successful attempt; for a directory target, the bytes of data written (holes
 *     and zero blocks are not written)
 * @param digest {@code <algorithm>:<hex>}, empty when nothing was sent
 * @param digestScope {@code disk} (the volume's logical bytes) or {@code image-file} (the stored image)
 * @param attempts attempts made, 1 when the first succeeded
 * @param seconds wall-clock time of the whole import
 * @param levels for {@code zstd-adaptive}, the compression levels used and their share of the data
 *     ({@code zstd1:92%,none:8%}); empty otherwise
 * @param linkBytesPerSecond for {@code zstd-adaptive}, the link rate it measured last (wire bytes per second);
 *     0 otherwise
 */
public record ImportResult(String disk, String source, String target, Outcome outcome, String format,
        String encoding, long contentBytes, long wireBytes, String digest, String digestScope, int attempts,
        double seconds, String levels, long linkBytesPerSecond) {
    /** A result without an adaptive encoding. */
    public ImportResult(String disk, String source, String target, Outcome outcome, String format,
            String encoding, long contentBytes, long wireBytes, String digest, String digestScope, int attempts,
            double seconds) {
        this(disk, source, target, outcome, format, encoding, contentBytes, wireBytes, digest, digestScope,
                attempts, seconds, "", 0);
    }

    public ImportResult {
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(digestScope, "digestScope");
        Objects.requireNonNull(levels, "levels");
    }

    /** Whether the volume was written by this import. */
    public enum Outcome {
        IMPORTED,
        ALREADY_PRESENT
    }
}
