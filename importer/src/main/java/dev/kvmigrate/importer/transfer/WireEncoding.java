package dev.kvmigrate.importer.transfer;

/** How a raw disk's logical content travels to a sink. */
public enum WireEncoding {
    /** Every byte as it is, zeros included: what virtctl sends. */
    RAW("raw"),
    /** Zstandard frames holding data as raw blocks and zero runs as RLE blocks: holes cost nothing, data no CPU. */
    ZSTD_SPARSE("zstd-sparse"),
    /**
     * Zstandard frames per chunk of data at a level chosen from the measured link rate and compression speed
     * (see {@link LevelChooser}), stored when the link is faster than compressing; zero runs as RLE blocks.
     */
    ZSTD_ADAPTIVE("zstd-adaptive"),
    /** Zstandard-compressed data (level 1) with zero runs as RLE frames. */
    ZSTD("zstd"),
    /** gzip (level 1) of every byte, for CDI older than v1.57 which cannot read zstd. */
    GZIP("gzip");

    private final String label;

    WireEncoding(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
