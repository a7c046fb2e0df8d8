package dev.kvmigrate.importer.transfer;

import java.io.IOException;

/**
 * Receives a disk's logical content in order, as runs of data and runs of zeros. Every run starts at a
 * multiple of {@link dev.kvmigrate.importer.format.ZeroBlocks#BLOCK} and is a whole number of blocks long,
 * except the run that ends the disk.
 */
public interface BlockVisitor {
    /** {@code len} bytes of {@code buf} from {@code off} are the disk's bytes at {@code offset}; not all zero. */
    void data(long offset, byte[] buf, int off, int len) throws IOException;

    /** {@code length} zero bytes at {@code offset}. */
    void zeros(long offset, long length) throws IOException;

    /** Several visitors fed the same runs, in the order given. */
    static BlockVisitor tee(BlockVisitor... visitors) {
        return new BlockVisitor() {
            @Override
            public void data(long offset, byte[] buf, int off, int len) throws IOException {
                for (BlockVisitor v : visitors) {
                    v.data(offset, buf, off, len);
                }
            }

            @Override
            public void zeros(long offset, long length) throws IOException {
                for (BlockVisitor v : visitors) {
                    v.zeros(offset, length);
                }
            }
        };
    }
}
