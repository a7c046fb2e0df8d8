package dev.kvmigrate.importer.format;

/**
 * A byte range of an image that holds data (the rest reads as zeros).
 *
 * @param offset first byte, relative to the start of the image
 * @param length number of bytes, positive
 */
public record Extent(long offset, long length) {
    public Extent {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("extent [" + offset + ", +" + length + ") is empty or negative");
        }
    }

    public long end() {
        return offset + length;
    }

    /**
     * Data extents rounded out to whole {@link ZeroBlocks#BLOCK}s (clipped at {@code length}) and merged, so
     * every run read from them starts block-aligned.
     */
    public static java.util.List<Extent> alignToBlocks(java.util.List<Extent> extents, long length) {
        java.util.List<Extent> out = new java.util.ArrayList<>();
        long curStart = -1;
        long curEnd = -1;
        for (Extent e : extents) {
            long s = e.offset() / ZeroBlocks.BLOCK * ZeroBlocks.BLOCK;
            long t = Math.min(length, (e.end() + ZeroBlocks.BLOCK - 1) / ZeroBlocks.BLOCK * ZeroBlocks.BLOCK);
            if (s >= t) {
                continue;
            }
            if (curEnd >= s) {
                curEnd = Math.max(curEnd, t);
            } else {
                if (curStart >= 0) {
                    out.add(new Extent(curStart, curEnd - curStart));
                }
                curStart = s;
                curEnd = t;
            }
        }
        if (curStart >= 0) {
            out.add(new Extent(curStart, curEnd - curStart));
        }
        return java.util.List.copyOf(out);
    }
}
