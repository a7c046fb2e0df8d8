package dev.kvmigrate.importer.transfer;

import dev.kvmigrate.importer.format.ZeroBlocks;
import java.io.IOException;

/**
 * Splits block-aligned chunks into data and zero runs, merging adjacent zero runs (across chunks) so a
 * visitor sees one call per hole, and data runs as long as the chunk allows.
 */
public final class RunBuilder {
    private final BlockVisitor visitor;
    private long zeroStart = -1;
    private long zeroLength;

    public RunBuilder(BlockVisitor visitor) {
        this.visitor = visitor;
    }

    /** Zero bytes at {@code offset}; merged with a pending zero run. */
    public void zeros(long offset, long length) throws IOException {
        if (length <= 0) {
            return;
        }
        if (zeroStart >= 0 && zeroStart + zeroLength == offset) {
            zeroLength += length;
            return;
        }
        flush();
        zeroStart = offset;
        zeroLength = length;
    }

    /** A chunk of {@code n} bytes at block-aligned {@code offset}; checked per block. */
    public void scan(long offset, byte[] buf, int n) throws IOException {
        int runStart = -1;
        for (int at = 0; at < n; at += ZeroBlocks.BLOCK) {
            int len = Math.min(ZeroBlocks.BLOCK, n - at);
            if (ZeroBlocks.isZero(buf, at, len)) {
                if (runStart >= 0) {
                    flush();
                    visitor.data(offset + runStart, buf, runStart, at - runStart);
                    runStart = -1;
                }
                zeros(offset + at, len);
            } else if (runStart < 0) {
                runStart = at;
            }
        }
        if (runStart >= 0) {
            flush();
            visitor.data(offset + runStart, buf, runStart, n - runStart);
        }
    }

    /** Hands a pending zero run to the visitor. */
    public void flush() throws IOException {
        if (zeroStart >= 0) {
            visitor.zeros(zeroStart, zeroLength);
            zeroStart = -1;
            zeroLength = 0;
        }
    }
}
