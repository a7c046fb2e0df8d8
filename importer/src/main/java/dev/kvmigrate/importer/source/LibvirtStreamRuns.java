package dev.kvmigrate.importer.source;

import dev.kvmigrate.importer.format.ZeroBlocks;
import dev.kvmigrate.importer.transfer.BlockVisitor;
import java.io.IOException;
import java.util.Arrays;

/**
 * Turns a sparse stream's data chunks and holes (any sizes, any offsets: a filesystem's holes are 4 KiB aligned)
 * into the block-aligned runs a {@link BlockVisitor} takes: data is gathered in a block-aligned buffer, a hole fills
 * only the partial blocks at its ends with zeros and passes its whole blocks on as one zero run, never as bytes. Data
 * blocks that are all zeros become zero runs too; adjacent zero runs are merged.
 */
final class LibvirtStreamRuns implements LibvirtStreams.Receiver {
    private static final int BLOCK = ZeroBlocks.BLOCK;
    static final int CHUNK = 4 * BLOCK;

    private final BlockVisitor visitor;
    private final byte[] buf = new byte[CHUNK];
    private int fill;
    /** Disk offset of {@code buf[0]}; always a multiple of BLOCK. */
    private long bufStart;
    private long zeroStart = -1;
    private long zeroLength;

    LibvirtStreamRuns(BlockVisitor visitor) {
        this.visitor = visitor;
    }

    /** The disk offset reached so far. */
    long position() {
        return bufStart + fill;
    }

    @Override
    public void data(byte[] b, int len) throws IOException {
        int off = 0;
        while (off < len) {
            int n = Math.min(len - off, CHUNK - fill);
            System.arraycopy(b, off, buf, fill, n);
            fill += n;
            off += n;
            if (fill == CHUNK) {
                flushBuffer();
            }
        }
    }

    @Override
    public void hole(long length) throws IOException {
        if (length <= 0) {
            return;
        }
        int partial = fill % BLOCK;
        if (partial != 0) {
            int z = (int) Math.min(length, BLOCK - partial);
            Arrays.fill(buf, fill, fill + z, (byte) 0);
            fill += z;
            length -= z;
            if (fill == CHUNK) {
                flushBuffer();
            }
            if (length == 0) {
                return;
            }
        }
        flushBuffer();
        long whole = length / BLOCK * BLOCK;
        zeros(bufStart, whole);
        bufStart += whole;
        int rest = (int) (length - whole);
        Arrays.fill(buf, 0, rest, (byte) 0);
        fill = rest;
    }

    /** The end of the stream: hands on what is buffered; returns the disk size seen. */
    long finish() throws IOException {
        flushBuffer();
        flushZeros();
        return bufStart;
    }

    private void flushBuffer() throws IOException {
        int runStart = -1;
        for (int at = 0; at < fill; at += BLOCK) {
            int len = Math.min(BLOCK, fill - at);
            if (ZeroBlocks.isZero(buf, at, len)) {
                if (runStart >= 0) {
                    flushZeros();
                    visitor.data(bufStart + runStart, buf, runStart, at - runStart);
                    runStart = -1;
                }
                zeros(bufStart + at, len);
            } else if (runStart < 0) {
                runStart = at;
            }
        }
        if (runStart >= 0) {
            flushZeros();
            visitor.data(bufStart + runStart, buf, runStart, fill - runStart);
        }
        bufStart += fill;
        fill = 0;
    }

    private void zeros(long offset, long length) throws IOException {
        if (length <= 0) {
            return;
        }
        if (zeroStart >= 0 && zeroStart + zeroLength == offset) {
            zeroLength += length;
            return;
        }
        flushZeros();
        zeroStart = offset;
        zeroLength = length;
    }

    private void flushZeros() throws IOException {
        if (zeroStart >= 0) {
            visitor.zeros(zeroStart, zeroLength);
            zeroStart = -1;
            zeroLength = 0;
        }
    }
}
