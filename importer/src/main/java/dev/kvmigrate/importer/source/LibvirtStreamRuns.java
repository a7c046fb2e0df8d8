package dev.kvmigrate.importer.source;

import dev.kvmigrate.importer.format.ZeroBlocks;
import dev.kvmigrate.importer.transfer.BlockVisitor;
import dev.kvmigrate.importer.transfer.RunBuilder;
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

    /** Zero-checks the buffered blocks and merges adjacent zero runs, as for any other source. */
    private final RunBuilder runs;
    private final byte[] buf = new byte[CHUNK];
    private int fill;
    /** Disk offset of {@code buf[0]}; always a multiple of BLOCK. */
    private long bufStart;

    LibvirtStreamRuns(BlockVisitor visitor) {
        this.runs = new RunBuilder(visitor);
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
        runs.zeros(bufStart, whole);
        bufStart += whole;
        int rest = (int) (length - whole);
        Arrays.fill(buf, 0, rest, (byte) 0);
        fill = rest;
    }

    /** The end of the stream: hands on what is buffered; returns the disk size seen. */
    long finish() throws IOException {
        flushBuffer();
        runs.flush();
        return bufStart;
    }

    private void flushBuffer() throws IOException {
        runs.scan(bufStart, buf, fill);
        bufStart += fill;
        fill = 0;
    }
}
