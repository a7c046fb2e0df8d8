package dev.kvmigrate.importer.transfer;

import dev.kvmigrate.importer.format.Extent;
import dev.kvmigrate.importer.format.ExtentReader;
import dev.kvmigrate.importer.format.SeekData;
import dev.kvmigrate.importer.format.ZeroBlocks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Raw content held in a local file, or a slice of one (an OVA member). Holes the filesystem reports
 * (SEEK_DATA/SEEK_HOLE) are never read, nor read ahead; data not in the page cache is read directly, bypassing
 * it ({@link ExtentReader}). Allocated blocks are zero-checked per 64 KiB block.
 */
public final class FileSliceContent implements LogicalContent {
    /**
     * Working size: the reader's window (up to 4 MiB) is handed on in pieces of this size, copied into the working
     * array.
     * Measured here: 256 KiB pieces from a direct buffer ran ~3x faster than 1 MiB reads into a heap buffer (the
     * piece stays in L2 for the zero check, digest and send).
     */
    private static final int CHUNK = 256 * 1024;

    private final Path file;
    private final long offset;
    private final long length;

    public FileSliceContent(Path file, long offset, long length) {
        this.file = file;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public OptionalLong size() {
        return OptionalLong.of(length);
    }

    /** Data extents of the slice rounded out to whole blocks, merged; the whole slice when the filesystem cannot tell. */
    public List<Extent> blockExtents() {
        Optional<List<Extent>> known = SeekData.extents(file, offset, length);
        if (known.isEmpty()) {
            return length == 0 ? List.of() : List.of(new Extent(0, length));
        }
        return Extent.alignToBlocks(known.get(), length);
    }

    @Override
    public long accept(BlockVisitor visitor) throws IOException {
        byte[] buf = new byte[CHUNK];
        RunBuilder runs = new RunBuilder(visitor);
        List<Extent> extents = blockExtents();
        try (ExtentReader reader = ExtentReader.open(file, offset, extents)) {
            long pos = 0;
            for (Extent e : extents) {
                runs.zeros(pos, e.offset() - pos);
                long at = e.offset();
                while (at < e.end()) {
                    int n = (int) Math.min(CHUNK, e.end() - at);
                    reader.read(at, n).get(buf, 0, n);
                    runs.scan(at, buf, n);
                    at += n;
                }
                pos = e.end();
            }
            runs.zeros(pos, length - pos);
            runs.flush();
        }
        return length;
    }
}
