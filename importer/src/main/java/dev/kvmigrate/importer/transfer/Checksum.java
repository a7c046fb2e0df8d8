package dev.kvmigrate.importer.transfer;

/** Digest algorithms over a disk's logical content. */
public enum Checksum {
    /**
     * XXH3-128 over the sequence of XXH3-128 digests of the content's 64 KiB blocks (the last may be short).
     * A zero block's digest is a constant, so holes cost nothing; everything else runs at memory speed.
     */
    XXH3,
    /** Plain SHA-256 of the whole content, zeros included: matches {@code sha256sum} of the volume. */
    SHA256;

    /** A fresh digest of this kind. */
    public ContentDigest start() {
        return this == XXH3 ? new Xxh3BlockDigest() : new Sha256Digest();
    }

    /** The label used in results: {@code xxh3-128/64k} or {@code sha256}. */
    public String label() {
        return this == XXH3 ? "xxh3-128/64k" : "sha256";
    }
}
