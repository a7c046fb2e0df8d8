package dev.kvmigrate.importer.format;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.kvmigrate.common.io.ReadOnlyChannel;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads of the data extents of a file (or of a slice of one), in extent order, through a window of up to
 * {@link #WINDOW} bytes.
 *
 * <p>On Linux the file gets descriptors of its own, and two things the kernel's defaults get wrong for a copy of a
 * sparse disk image are avoided:
 * <ul>
 *   <li>readahead into holes: the kernel's readahead does not know where the holes are; it read up to
 *       {@code read_ahead_kb} (8 MiB on this machine's disk) past the end of every data run, and a hole read into
 *       the page cache is a page allocated and zero-filled. bench/fleet (40 sparse disks with data in 4 MiB runs, more
 *       than the page cache holds) spent a fifth of kv-migrate's CPU in that {@code memset}. The buffered descriptor
 *       has readahead off ({@code POSIX_FADV_RANDOM});</li>
 *   <li>a second copy of data read once: a window none of whose pages are in the page cache ({@code cachestat(2)},
 *       Linux 6.5) is read with {@code O_DIRECT} into an aligned buffer, by DMA: no page-cache pages to allocate,
 *       fill, copy out and later evict (with readahead fixed, that was a third of kv-migrate's CPU in the same
 *       bench), and the source host's page cache keeps what its guests use. A window with any page cached, where
 *       {@code O_DIRECT} or {@code cachestat} is missing, on filesystems other than local block ones (ext4, XFS,
 *       btrfs: a network filesystem's direct reads are round trips), or at an offset not aligned to
 *       {@link #ALIGN}, is read through the page cache, with its next extents requested ahead
 *       ({@code POSIX_FADV_WILLNEED}, {@link #AHEAD} bytes of data) when no direct reads are possible.</li>
 * </ul>
 * Elsewhere (no libc), reads go through {@link FileChannel} with the kernel's readahead as it is.
 */
public final class ExtentReader implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ExtentReader.class);
    /**
     * The largest read: a window holds this much of one extent. Direct reads fill whole windows, the size of the
     * device's largest request here ({@code max_sectors_kb} 4096); two are in flight per reader (the read-ahead).
     */
    public static final int WINDOW = 4 << 20;
    /**
     * The largest read through the page cache: a copy of cached data, which the caller takes while it is still in
     * the CPU's cache (L2: 256 KiB pieces of a 1 MiB copy came from L3).
     */
    static final int BUFFERED = 256 << 10;
    /** Alignment of direct reads (offset, length, buffer address): the largest logical block size in use. */
    static final int ALIGN = 4096;
    /** Data bytes requested ahead of the read position, where reads are buffered only. */
    static final long AHEAD = 16 << 20;
    /** How far the reads advance before the next request: requests are few and each covers whole megabytes. */
    static final long STEP = 4 << 20;
    private static final int POSIX_FADV_RANDOM = 1;
    private static final int POSIX_FADV_WILLNEED = 3;
    /** Runs the read-ahead of direct windows ({@link #readAhead}); threads end when idle. */
    private static final ExecutorService READ_AHEAD = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kv-read-ahead");
        t.setDaemon(true);
        return t;
    });

    private final Path file;
    private final long base;
    private final List<Extent> extents;
    private final FileChannel channel;
    private final int fd;
    private final int directFd;
    private Memory memory;
    private ByteBuffer window;
    /** The second window, which the next direct read fills in the background ({@link #readAhead}). */
    private Memory spareMemory;
    private ByteBuffer spare;
    private Future<Integer> ahead;
    /** The last range found wholly in the page cache: reads inside it go through the cache without asking. */
    private long cachedFrom = -1;
    private long cachedUntil = -1;
    private long aheadStart;
    private int aheadLength;
    private final Memory stat = new Memory(56);
    private long windowStart;
    private int windowLength;
    private int extentIndex;
    private int cursorExtent;
    private long cursor;
    private long advisedData;
    private long readData;
    private long directBytes;
    private long bufferedBytes;

    private ExtentReader(Path file, long base, List<Extent> extents, FileChannel channel, int fd, int directFd) {
        this.file = file;
        this.base = base;
        this.extents = extents;
        this.channel = channel;
        this.fd = fd;
        this.directFd = directFd;
        this.memory = new Memory(WINDOW + ALIGN);
        this.window = aligned(memory);
        if (directFd >= 0) {
            this.spareMemory = new Memory(WINDOW + ALIGN);
            this.spare = aligned(spareMemory);
        }
    }

    /** {@link #WINDOW} bytes of {@code m} from its first {@link #ALIGN}-aligned address. */
    static ByteBuffer aligned(Memory m) {
        long address = Pointer.nativeValue(m);
        return m.getByteBuffer((address + ALIGN - 1) / ALIGN * ALIGN - address, WINDOW);
    }

    /**
     * Opens {@code file} for reading {@code extents} (offsets relative to {@code base}, ascending, as
     * {@link Extent#alignToBlocks} gives them). Reads outside them are allowed; they are not read ahead.
     */
    public static ExtentReader open(Path file, long base, List<Extent> extents) throws IOException {
        return open(file, base, extents, true);
    }

    /** {@link #open(Path, long, List)}, with direct reads only where {@code allowDirect} (tests: the other way). */
    static ExtentReader open(Path file, long base, List<Extent> extents, boolean allowDirect) throws IOException {
        if (DirectIo.AVAILABLE && LinuxFiles.libc().isPresent()) {
            LinuxFiles.LibC c = LinuxFiles.libc().get();
            int fd = -1;
            try {
                fd = c.open(file.toString(), LinuxFiles.O_RDONLY);
                int err = c.posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
                if (err == 0) {
                    int directFd = allowDirect ? DirectIo.openDirect(file, fd) : -1;
                    return new ExtentReader(file, base, extents, null, fd, directFd);
                }
                LOG.debug("{}: posix_fadvise(RANDOM) failed with error {}; reading with the kernel's readahead",
                        file, err);
            } catch (LastErrorException e) {
                LOG.debug("{}: libc open failed ({}); reading through FileChannel", file, e.getMessage());
            }
            if (fd >= 0) {
                LinuxFiles.closeQuietly(fd);
            }
        }
        return new ExtentReader(file, base, extents, FileChannel.open(file, StandardOpenOption.READ), -1, -1);
    }

    /**
     * A read-only channel over the whole of {@code file} whose reads (up to {@link #WINDOW} bytes each, exactly what
     * is asked) go through a reader without extents: random reads, such as a qcow2 image's tables and clusters, with
     * the same page-cache handling.
     */
    public static SeekableByteChannel channel(Path file) throws IOException {
        long size = Files.size(file);
        ExtentReader reader = open(file, 0, List.of());
        return new ReadOnlyChannel(size) {
            private boolean open = true;

            @Override
            public int read(ByteBuffer dst) throws IOException {
                if (atEnd()) {
                    return -1;
                }
                int n = (int) Math.min(Math.min(dst.remaining(), WINDOW), size - position);
                dst.put(reader.read(position, n));
                position += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public void close() throws IOException {
                if (open) {
                    open = false;
                    reader.close();
                }
            }
        };
    }

    /** Whether reads go through own descriptors (readahead off), not FileChannel. */
    public boolean advising() {
        return channel == null;
    }

    /** Whether windows not in the page cache are read with O_DIRECT. */
    public boolean direct() {
        return directFd >= 0;
    }

    /** Bytes read with O_DIRECT so far (windows, so up to {@link #ALIGN} more than asked at an extent's end). */
    public long directBytes() {
        return directBytes;
    }

    /** Bytes read through the page cache so far. */
    public long bufferedBytes() {
        return bufferedBytes;
    }

    /**
     * The {@code n} bytes at {@code at} (relative to the base; {@code n} at most {@link #WINDOW}), from the buffer's
     * position to its limit; valid until the next call. Fails, naming the file, when it ends first.
     */
    public ByteBuffer read(long at, int n) throws IOException {
        if (n < 0 || n > WINDOW) {
            throw new IllegalArgumentException("read of " + n + " bytes; at most " + WINDOW);
        }
        if (at < windowStart || at + n > windowStart + windowLength) {
            fill(at, n);
        }
        int from = (int) (at - windowStart);
        return window.duplicate().limit(from + n).position(from);
    }

    /** Reads a window starting at {@code at}: {@code n} bytes, or up to the end of the extent holding it. */
    private void fill(long at, int n) throws IOException {
        int len = Math.max(n, (int) Math.min(WINDOW, extentEnd(at) - at));
        windowStart = at;
        windowLength = 0;
        if (channel != null) {
            ByteBuffer b = window.duplicate().position(0).limit(len);
            while (b.hasRemaining()) {
                if (channel.read(b, base + at + b.position()) < 0) {
                    throw ended(base + at + b.position());
                }
            }
            windowLength = len;
            return;
        }
        if (ahead != null) {
            Future<Integer> f = ahead;
            ahead = null;
            int got = await(f);
            if (aheadStart == at && aheadLength >= n) { // read ahead where this read goes: swap the windows
                ByteBuffer w = window;
                window = spare;
                spare = w;
                Memory m = memory;
                memory = spareMemory;
                spareMemory = m;
                windowStart = at;
                windowLength = aheadLength;
                directBytes += got;
                readData += aheadLength;
                readAhead(at + aheadLength);
                return;
            }
        }
        long address = Pointer.nativeValue(Native.getDirectBufferPointer(window));
        long pos = base + at;
        boolean known = at >= cachedFrom && at + n <= cachedUntil;
        long cached = directFd < 0 || known ? -1 : DirectIo.cached(fd, pos, len, stat);
        if (cached >= (len + ALIGN - 1) / ALIGN) { // wholly cached: the reads that follow within need not ask
            cachedFrom = at;
            cachedUntil = at + len;
        }
        if (cached == 0 && pos % ALIGN == 0) {
            directBytes += readDirect(address, pos, len);
            windowLength = len;
            readData += len;
            readAhead(at + len);
            return;
        }
        if (directFd < 0) {
            advise();
        }
        len = Math.max(n, Math.min(len, BUFFERED));
        bufferedBytes += readFully(fd, address, len, pos);
        windowLength = len;
        readData += len;
    }

    /**
     * With direct reads, starts reading the window after {@code from} (the rest of its extent, else the next
     * extent's start; up to {@link #WINDOW}) into the spare window on a background thread, when it is aligned and
     * not cached: the device reads it while the caller works through this one. One direct read at a time per
     * stream had left the fleet bench's CPUs a fifth idle, waiting on the disk.
     */
    private void readAhead(long from) {
        if (directFd < 0) {
            return;
        }
        int i = extentIndex;
        while (i < extents.size() && extents.get(i).end() <= from) {
            i++;
        }
        if (i >= extents.size()) {
            return;
        }
        long start = Math.max(from, extents.get(i).offset());
        int len = (int) Math.min(WINDOW, extents.get(i).end() - start);
        long pos = base + start;
        if (pos % ALIGN != 0 || DirectIo.cached(fd, pos, len, stat) != 0) {
            return;
        }
        long address = Pointer.nativeValue(Native.getDirectBufferPointer(spare));
        aheadStart = start;
        aheadLength = len;
        ahead = READ_AHEAD.submit(() -> readDirect(address, pos, len));
    }

    /** The bytes a read-ahead got, or its failure (the read itself is then repeated, and fails, in the caller). */
    private int await(Future<Integer> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            aheadStart = -1;
            return 0;
        } catch (ExecutionException e) {
            aheadStart = -1; // not used: the caller reads again and reports what goes wrong
            return 0;
        }
    }

    /** {@code len} bytes at {@code pos} into {@code address}, by direct reads; the bytes read (up to ALIGN more). */
    private int readDirect(long address, long pos, int len) throws IOException {
        int want = (len + ALIGN - 1) / ALIGN * ALIGN; // the tail past len is a hole or the file's end
        int done = 0;
        while (done < len) {
            long r = pread(directFd, address + done, want - done, pos + done);
            if (r == 0) {
                throw ended(pos + done);
            }
            done += (int) r;
            if (done % ALIGN != 0 && done < len) { // a short read not at the end: finish it buffered
                done += readFully(fd, address + done, len - done, pos + done);
            }
        }
        return done;
    }

    private int readFully(int from, long address, int len, long pos) throws IOException {
        int done = 0;
        while (done < len) {
            long r = pread(from, address + done, len - done, pos + done);
            if (r == 0) {
                throw ended(pos + done);
            }
            done += (int) r;
        }
        return done;
    }

    private long pread(int from, long address, int len, long pos) throws IOException {
        try {
            return DirectIo.pread(from, address, len, pos);
        } catch (LastErrorException e) {
            throw new IOException(file + ": reading " + len + " bytes at " + pos + " failed: " + e.getMessage(), e);
        }
    }

    /** The end of the extent holding {@code at}; {@code at} itself when none does. */
    private long extentEnd(long at) {
        while (extentIndex < extents.size() && extents.get(extentIndex).end() <= at) {
            extentIndex++;
        }
        if (extentIndex < extents.size() && extents.get(extentIndex).offset() <= at) {
            return extents.get(extentIndex).end();
        }
        return at;
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
        if (ahead != null) {
            await(ahead); // the read-ahead writes into the spare window: it must end before that is freed
            ahead = null;
        }
        memory.close(); // native: the collector would free it only with the object, long after
        if (spareMemory != null) {
            spareMemory.close();
        }
        stat.close();
        if (channel != null) {
            channel.close();
        } else {
            LinuxFiles.closeQuietly(fd);
            if (directFd >= 0) {
                LinuxFiles.closeQuietly(directFd);
            }
        }
    }
}
