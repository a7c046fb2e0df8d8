package dev.kvmigrate.importer.transfer;

/**
 * What one attempt sent.
 *
 * @param contentBytes bytes of content read (logical disk bytes, or stored bytes when sent unchanged)
 * @param wireBytes bytes written to the sink
 * @param digest the digest, {@code <algorithm>:<hex>}
 * @param scope what the digest covers
 * @param adaptation for an adaptive encoding, the levels it used and the link it measured
 */
public record Sent(long contentBytes, long wireBytes, String digest, DigestScope scope,
        java.util.Optional<Adaptation> adaptation) {
    public Sent(long contentBytes, long wireBytes, String digest, DigestScope scope) {
        this(contentBytes, wireBytes, digest, scope, java.util.Optional.empty());
    }

    /**
     * What {@link WireEncoding#ZSTD_ADAPTIVE} chose.
     *
     * @param levels share of the data per level, largest first ({@code zstd1:92%,none:8%})
     * @param linkBytesPerSecond the last link estimate (wire bytes per second), 0 when never measured
     */
    public record Adaptation(String levels, long linkBytesPerSecond) {}

    /** What a digest was computed over. */
    public enum DigestScope {
        /** The disk's logical bytes: equal to the digest of the volume written. */
        DISK,
        /** The stored image file as sent (a qcow2/vmdk goes unchanged; the server converts it). */
        IMAGE_FILE
    }
}
