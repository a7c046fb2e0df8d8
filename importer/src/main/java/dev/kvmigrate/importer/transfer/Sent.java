package dev.kvmigrate.importer.transfer;

/**
 * What one attempt sent.
 *
 * @param contentBytes bytes of content read (logical disk bytes, or stored bytes when sent unchanged)
 * @param wireBytes bytes written to the sink
 * @param digest the digest, {@code <algorithm>:<hex>}
 * @param scope what the digest covers
 */
public record Sent(long contentBytes, long wireBytes, String digest, DigestScope scope) {
    /** What a digest was computed over. */
    public enum DigestScope {
        /** The disk's logical bytes: equal to the digest of the volume written. */
        DISK,
        /** The stored image file as sent (a qcow2/vmdk goes unchanged; the server converts it). */
        IMAGE_FILE
    }
}
