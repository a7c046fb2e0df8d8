package dev.kvmigrate.importer.transfer;

import dev.kvmigrate.importer.format.Extent;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.OptionalLong;

/**
 * Raw content served by byte ranges (HTTP Range on imageio, a libvirt stream) with a known list of data
 * extents: only data extents are fetched, each zero-checked per 64 KiB block.
 */
public final class RangeContent implements LogicalContent {
    /** Opens the bytes {@code [offset, offset + length)}. */
    @FunctionalInterface
    public interface RangeReader {
        InputStream open(long offset, long length) throws IOException;
    }

    private static final int CHUNK = 256 * 1024;

    private final long size;
    private final List<Extent> data;
    private final RangeReader reader;

    public RangeContent(long size, List<Extent> dataExtents, RangeReader reader) {
        this.size = size;
        this.data = Extent.alignToBlocks(dataExtents, size);
        this.reader = reader;
    }

    @Override
    public OptionalLong size() {
        return OptionalLong.of(size);
    }

    @Override
    public long accept(BlockVisitor visitor) throws IOException {
        byte[] buf = new byte[CHUNK];
        RunBuilder runs = new RunBuilder(visitor);
        long pos = 0;
        for (Extent e : data) {
            runs.zeros(pos, e.offset() - pos);
            try (InputStream in = reader.open(e.offset(), e.length())) {
                long at = e.offset();
                while (at < e.end()) {
                    int want = (int) Math.min(CHUNK, e.end() - at);
                    int n = in.readNBytes(buf, 0, want);
                    if (n < want) {
                        throw new IOException("range " + e.offset() + "+" + e.length() + " ended after "
                                + (at + n - e.offset()) + " bytes");
                    }
                    runs.scan(at, buf, n);
                    at += n;
                }
            }
            pos = e.end();
        }
        runs.zeros(pos, size - pos);
        runs.flush();
        return size;
    }
}
