package dev.kvmigrate.importer.transfer;

/**
 * The share of data chunks sent stored while a compressing level is chosen, so a link that compression alone
 * cannot fill carries uncompressed chunks beside the compressed ones. Pure: the caller measures one window, {@link
 * #next} reasons.
 *
 * <p>With one compressing thread at 200 MB/s and a ratio of 0.35, zstd1 puts 70 MB/s on a 1 Gbit link that takes
 * 125: the link idles 45 % of the time while the CPU is the limit. Sending a share s stored raises the rate to
 * {@code C / (1 - s)} until the link fills at {@code s = (L - C r) / (L - C r + C (1 - r))}: 0.22 and 255 MB/s of
 * data there, against 200 for zstd1 alone and 125 for stored alone. Stored chunks also cost less CPU on both
 * ends (no compression, no decompression), which counts where sender and receiver share a few cores.
 *
 * <p>The share follows the window: up by a tenth when the sender waited on compression for at least
 * {@link #AWAIT_BOUND} of the window while its writes did not fill the link ({@link LinkEstimate#LINK_BOUND});
 * down by a tenth when the link set the pace, or when neither did (the source was the limit: compressing costs
 * nothing then and saves the link). At most {@link #MAX_TENTHS} tenths.
 *
 * @param tenths the share of the chunks in tenths, 0 to {@link #MAX_TENTHS}
 */
record StoredShare(int tenths) {
    static final int MAX_TENTHS = 8;
    /** Share of a window the sender spent waiting for compressed frames above which compression set the pace. */
    static final double AWAIT_BOUND = 0.25;

    static final StoredShare NONE = new StoredShare(0);

    StoredShare {
        if (tenths < 0 || tenths > MAX_TENTHS) {
            throw new IllegalArgumentException("stored share of " + tenths + " tenths is outside 0.." + MAX_TENTHS);
        }
    }

    /** The share of the chunks, 0 to 0.8. */
    double share() {
        return tenths / 10.0;
    }

    /**
     * The share after a window.
     *
     * @param writeNanos time spent inside writes
     * @param awaitNanos time spent waiting for compressed frames
     * @param windowNanos the window's length
     */
    StoredShare next(long writeNanos, long awaitNanos, long windowNanos) {
        boolean compressionPaced = !LinkEstimate.linkPaced(writeNanos, windowNanos)
                && awaitNanos >= AWAIT_BOUND * windowNanos;
        return new StoredShare(Math.max(0, Math.min(MAX_TENTHS, compressionPaced ? tenths + 1 : tenths - 1)));
    }
}
