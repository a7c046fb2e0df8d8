package dev.kvmigrate.importer.format;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a new image file's data runs with {@code O_DIRECT}, from aligned buffers by DMA, where the filesystem is a
 * local block one and the reads that verify the file can be direct too ({@link ExtentReader}): a disk image is written
 * once and not read again on this host, so its pages need not go through the page cache. Filling page-cache pages is
 * what a buffered write costs most: here {@code dd} of a cached 1 GiB file wrote 405-606 MB/s buffered (without the
 * flush) and 1.6-1.8 GB/s with {@code oflag=direct}; a kv-migrate import into a directory spent 45 % of its CPU in
 * {@code copy_folio_from_iter_atomic}.
 *
 * <p>Runs are copied into one of two buffers of {@link ExtentReader#WINDOW} bytes; a full buffer is written on a
 * background thread while the caller fills the other. Runs of at least {@link #DIRECT_MIN} bytes at aligned offsets
 * are written directly (their unaligned tail, a file's last block, through the page cache); shorter runs (a
 * fragmented image's scattered blocks: one device request each would be slow) and unaligned ones go through the page
 * cache, to be flushed with the rest by the caller's {@code fdatasync}, which a direct write needs too (the file's
 * allocation). Where the filesystem refuses a direct write ({@code EINVAL}), the rest is written through the page
 * cache.
 *
 * <p>{@link Runs#written} hears of every run handed in, data and zeros, in order, once the data before it is written:
 * what a reader of the file may read back.
 */
public final class DirectWriter implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectWriter.class);
    /** The shortest run written directly. */
    static final int DIRECT_MIN = 64 << 10;
    private static final int ALIGN = ExtentReader.ALIGN;
    private static final int CAPACITY = ExtentReader.WINDOW;
    private static final int EINVAL = 22;
    private static final ExecutorService WRITERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "direct-write");
        t.setDaemon(true);
        return t;
    });

    /** Hears of the runs handed in, in order, once written. */
    public interface Runs {
        /** {@code length} bytes at {@code offset}: data written, or zeros ({@code data} false) not written. */
        void written(long offset, long length, boolean data) throws IOException;
    }

    private record Segment(long offset, int at, int length) {
        long end() {
            return offset + length;
        }
    }

    private record Run(long offset, long length, boolean data) {}

    /** A buffer's worth of runs: their bytes, where each goes, and every run to report once written. */
    private static final class Batch {
        final Memory memory = new Memory(CAPACITY + ALIGN);
        final ByteBuffer buf = ExtentReader.aligned(memory);
        final long address = Pointer.nativeValue(Native.getDirectBufferPointer(buf));
        final List<Segment> segments = new ArrayList<>();
        final List<Run> runs = new ArrayList<>();
        int used;

        boolean isEmpty() {
            return runs.isEmpty();
        }

        void clear() {
            segments.clear();
            runs.clear();
            used = 0;
        }
    }

    private final Path file;
    private final FileChannel out;
    private final int directFd;
    private final Runs runs;
    private Batch current = new Batch();
    private Batch spare = new Batch();
    private Batch writing;
    private Future<?> inFlight;
    private volatile boolean direct = true;
    private long directBytes;
    private long bufferedBytes;
    private boolean closed;

    private DirectWriter(Path file, FileChannel out, int directFd, Runs runs) {
        this.file = file;
        this.out = out;
        this.directFd = directFd;
        this.runs = runs;
    }

    /**
     * A writer of {@code file} (new, open as {@code out}, which takes what is not written directly), or empty where
     * direct writes are not possible or not worth it here (write through {@code out} as usual then).
     */
    public static Optional<DirectWriter> open(Path file, FileChannel out, Runs runs) {
        if (!DirectIo.AVAILABLE || LinuxFiles.libc().isEmpty()) {
            return Optional.empty();
        }
        int fd;
        try {
            fd = LinuxFiles.libc().get().open(file.toString(), LinuxFiles.O_RDONLY);
        } catch (LastErrorException e) {
            return Optional.empty();
        }
        try {
            int directFd = DirectIo.openDirectForWriting(file, fd);
            return directFd < 0 ? Optional.empty() : Optional.of(new DirectWriter(file, out, directFd, runs));
        } finally {
            LinuxFiles.closeQuietly(fd);
        }
    }

    /** {@code len} bytes of {@code b} from {@code off} belong at {@code offset}; runs come in order. */
    public void data(long offset, byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            Segment last = current.segments.isEmpty() ? null : current.segments.get(current.segments.size() - 1);
            boolean joins = last != null && last.end() == offset;
            int at = joins ? current.used : (current.used + ALIGN - 1) / ALIGN * ALIGN; // a new segment: aligned
            if (at >= CAPACITY) {
                submit();
                continue;
            }
            int n = Math.min(len, CAPACITY - at);
            current.buf.put(at, b, off, n);
            if (joins) {
                current.segments.set(current.segments.size() - 1, new Segment(last.offset(), last.at(),
                        last.length() + n));
            } else {
                current.segments.add(new Segment(offset, at, n));
            }
            current.used = at + n;
            addRun(offset, n, true);
            offset += n;
            off += n;
            len -= n;
        }
    }

    /** {@code length} zero bytes at {@code offset}, not written (the file's hole). */
    public void zeros(long offset, long length) throws IOException {
        if (current.isEmpty() && inFlight == null) {
            runs.written(offset, length, false);
            return;
        }
        addRun(offset, length, false);
    }

    private void addRun(long offset, long length, boolean data) {
        List<Run> list = current.runs;
        Run last = list.isEmpty() ? null : list.get(list.size() - 1);
        if (last != null && last.data() == data && last.offset() + last.length() == offset) {
            list.set(list.size() - 1, new Run(last.offset(), last.length() + length, data));
        } else {
            list.add(new Run(offset, length, data));
        }
    }

    /** Writes everything handed in and reports it; the caller's {@code fdatasync} then makes it durable. */
    public void finish() throws IOException {
        if (!current.isEmpty()) {
            submit();
        }
        awaitWriting();
    }

    /** Bytes written with O_DIRECT so far (of batches finished). */
    public long directBytes() {
        return directBytes;
    }

    /** Bytes written through the page cache so far (of batches finished). */
    public long bufferedBytes() {
        return bufferedBytes;
    }

    /** Hands the current batch to the background thread, once the one before it is written. */
    private void submit() throws IOException {
        awaitWriting();
        Batch b = current;
        current = spare;
        spare = null;
        writing = b;
        inFlight = WRITERS.submit(() -> {
            write(b);
            return null;
        });
    }

    /** Waits for the batch in flight, then reports its runs. */
    private void awaitWriting() throws IOException {
        if (inFlight == null) {
            return;
        }
        Future<?> f = inFlight;
        inFlight = null;
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted writing " + file);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        Batch b = writing;
        writing = null;
        for (Run r : b.runs) {
            runs.written(r.offset(), r.length(), r.data());
        }
        b.clear();
        spare = b;
    }

    /** The background thread's part: each segment written, directly where it can be. */
    private void write(Batch b) throws IOException {
        for (Segment s : b.segments) {
            int done = 0;
            if (direct && s.offset() % ALIGN == 0 && s.length() >= DIRECT_MIN) {
                done = writeDirect(b.address + s.at(), s.offset(), s.length() / ALIGN * ALIGN);
            }
            if (done < s.length()) {
                ByteBuffer rest = b.buf.duplicate().limit(s.at() + s.length()).position(s.at() + done);
                long at = s.offset() + done;
                while (rest.hasRemaining()) {
                    at += out.write(rest, at);
                }
                bufferedBytes += s.length() - done;
            }
        }
    }

    /** Up to {@code len} bytes (aligned) from {@code address} at {@code offset}; how many were written directly. */
    private int writeDirect(long address, long offset, int len) throws IOException {
        int done = 0;
        try {
            while (done < len) {
                long n = DirectIo.pwrite(directFd, address + done, len - done, offset + done);
                if (n <= 0 || n % ALIGN != 0) { // a short write off the alignment: the rest through the cache
                    done += (int) Math.max(n, 0);
                    break;
                }
                done += (int) n;
            }
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EINVAL) {
                throw new IOException(file + ": writing " + (len - done) + " bytes at " + (offset + done)
                        + " failed: " + e.getMessage(), e);
            }
            LOG.debug("{}: direct writes refused ({}); writing through the page cache", file, e.getMessage());
            direct = false;
        }
        directBytes += done;
        return done;
    }

    /** Waits for a write in flight (its buffer must not be freed under it), then frees the buffers. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (inFlight != null) {
            awaitUninterruptibly(inFlight); // the buffer is native memory the write still reads
            inFlight = null;
        }
        for (Batch b : new Batch[] {current, spare, writing}) {
            if (b != null) {
                b.memory.close();
            }
        }
        LinuxFiles.closeQuietly(directFd);
    }

    private void awaitUninterruptibly(Future<?> f) {
        boolean interrupted = false;
        while (true) {
            try {
                f.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                LOG.debug("{}: the write in flight at close failed: {}", file, e.getCause().toString());
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
