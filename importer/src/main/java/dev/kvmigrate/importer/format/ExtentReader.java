package dev.kvmigrate.importer.format;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Positional reads of the data extents of a file (or of a slice of one), in extent order, into direct buffers.
 *
 * <p>On Linux the file gets a descriptor of its own with the kernel's readahead turned off
 * ({@code POSIX_FADV_RANDOM}); instead the data extents themselves are requested ahead of the reads
 * ({@code POSIX_FADV_WILLNEED}, {@link #AHEAD} bytes of data ahead, in steps of {@link #STEP}). The kernel's
 * readahead does not know where a sparse file's holes are: it read up to {@code read_ahead_kb} (8 MiB on this
 * machine's disk) past the end of every data run, and a hole read into the page cache is a page allocated and
 * zero-filled. bench/fleet (40 sparse disks with data in 4 MiB runs, more than the page cache holds) spent a fifth of
 * kv-migrate's CPU in that {@code memset}. Where libc is not reachable, or its calls fail, reads go through
 * {@link FileChannel} with the kernel's readahead as it is.
 */
public final class ExtentReader implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ExtentReader.class);
    /** Data bytes requested ahead of the read position. */
    static final long AHEAD = 16 << 20;
    /** How far the reads advance before the next request: requests are few and each covers whole megabytes. */
    static final long STEP = 4 << 20;
    private static final int POSIX_FADV_RANDOM = 1;
    private static final int POSIX_FADV_WILLNEED = 3;

    private final Path file;
    private final long base;
    private final List<Extent> extents;
    private final FileChannel channel;
    private final int fd;
    private int cursorExtent;
    private long cursor;
    private long advisedData;
    private long readData;

    private ExtentReader(Path file, long base, List<Extent> extents, FileChannel channel, int fd) {
        this.file = file;
        this.base = base;
        this.extents = extents;
        this.channel = channel;
        this.fd = fd;
    }

    /**
     * Opens {@code file} for reading {@code extents} (offsets relative to {@code base}, in ascending order, as
     * {@link Extent#alignToBlocks} gives them).
     */
    public static ExtentReader open(Path file, long base, List<Extent> extents) throws IOException {
        if (Pread.AVAILABLE && LinuxFiles.libc().isPresent()) {
            int fd = -1;
            try {
                fd = LinuxFiles.libc().get().open(file.toString(), LinuxFiles.O_RDONLY);
                int err = LinuxFiles.libc().get().posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
                if (err == 0) {
                    return new ExtentReader(file, base, extents, null, fd);
                }
                LOG.debug("{}: posix_fadvise(RANDOM) failed with error {}; reading with the kernel's readahead",
                        file, err);
            } catch (LastErrorException e) {
                LOG.debug("{}: libc open failed ({}); reading through FileChannel", file, e.getMessage());
            }
            if (fd >= 0) {
                closeQuietly(fd);
            }
        }
        return new ExtentReader(file, base, extents, FileChannel.open(file, StandardOpenOption.READ), -1);
    }

    /** Whether reads go through the descriptor with readahead replaced by requests for the extents. */
    public boolean advising() {
        return channel == null;
    }

    /**
     * Fills {@code buf} from its position to its limit with the bytes at {@code at} (relative to the base);
     * {@code buf} must be direct. Fails when the file ends first.
     */
    public void read(ByteBuffer buf, long at) throws IOException {
        int want = buf.remaining();
        if (channel != null) {
            while (buf.hasRemaining()) {
                if (channel.read(buf, base + at + (want - buf.remaining())) < 0) {
                    throw ended(base + at + (want - buf.remaining()));
                }
            }
            return;
        }
        advise();
        long address = Pointer.nativeValue(Native.getDirectBufferPointer(buf)) + buf.position();
        int done = 0;
        while (done < want) {
            long r;
            try {
                r = Pread.pread(fd, address + done, want - done, base + at + done);
            } catch (LastErrorException e) {
                throw new IOException(file + ": reading " + (want - done) + " bytes at " + (base + at + done)
                        + " failed: " + e.getMessage(), e);
            }
            if (r == 0) {
                throw ended(base + at + done);
            }
            done += (int) r;
        }
        buf.position(buf.position() + want);
        readData += want;
    }

    private IOException ended(long where) {
        return new IOException(file + ": file ended at " + where + ", inside the data it was to hold");
    }

    /** Requests the next extents' data once the reads have used {@link #STEP} of what was requested. */
    private void advise() {
        if (advisedData - readData >= AHEAD - STEP) {
            return;
        }
        long need = readData + AHEAD - advisedData;
        while (need > 0 && cursorExtent < extents.size()) {
            Extent e = extents.get(cursorExtent);
            long from = Math.max(cursor, e.offset());
            long len = Math.min(e.end() - from, need);
            if (len > 0) {
                int err = LinuxFiles.libc().get().posix_fadvise(fd, base + from, len, POSIX_FADV_WILLNEED);
                if (err != 0) {
                    LOG.debug("{}: posix_fadvise(WILLNEED) failed with error {}", file, err);
                }
                advisedData += len;
                need -= len;
                cursor = from + len;
            }
            if (cursor >= e.end()) {
                cursorExtent++;
            }
        }
        if (cursorExtent >= extents.size()) {
            advisedData = Long.MAX_VALUE / 2; // everything requested
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        } else {
            closeQuietly(fd);
        }
    }

    private static void closeQuietly(int fd) {
        try {
            LinuxFiles.libc().get().close(fd);
        } catch (LastErrorException e) {
            LOG.debug("close({}) failed: {}", fd, e.getMessage());
        }
    }

    /** {@code pread(2)} bound directly (JNA direct mapping): one call per read, without a proxy's reflection. */
    private static final class Pread {
        static final boolean AVAILABLE = register();

        static native long pread(int fd, long buf, long count, long offset) throws LastErrorException;

        private static boolean register() {
            if (!com.sun.jna.Platform.isLinux()) {
                return false;
            }
            try {
                Native.register(Pread.class, "c");
                return true;
            } catch (LinkageError e) {
                LOG.debug("pread not bound through JNA ({}): reading through FileChannel", e.toString());
                return false;
            }
        }
    }
}
