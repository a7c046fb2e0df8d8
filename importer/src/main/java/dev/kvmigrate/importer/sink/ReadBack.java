package dev.kvmigrate.importer.sink;

import dev.kvmigrate.importer.format.Extent;
import dev.kvmigrate.importer.format.ExtentReader;
import dev.kvmigrate.importer.format.SeekData;
import dev.kvmigrate.importer.transfer.BlockVisitor;
import dev.kvmigrate.importer.transfer.ContentDigest;
import dev.kvmigrate.importer.transfer.FileSliceContent;
import dev.kvmigrate.importer.transfer.RunBuilder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a new file back while it is being written, so that verifying a directory target costs almost no time after
 * the last write: every data run the writer has finished is re-read from the file by a second thread and digested
 * (zero blocks in it counted as zeros, as a whole-file read-back would see them), in the writer's order, with its
 * zero runs taken as zeros: the unwritten ranges of a file made with {@code CREATE_NEW} are holes, which read as
 * zeros. That leaves one thing a whole-file read-back would catch and this would not, data where nothing was
 * written: {@link #finish} asks the filesystem where the file holds data ({@code SEEK_DATA}), reads whatever of it lies
 * outside the runs written and fails unless that reads as zeros (a filesystem that keeps zeros on disk, or reports
 * holes as data, costs that read; a stray write fails). Where the filesystem cannot tell, {@link #finish} answers
 * empty and the caller reads the whole file back instead.
 *
 * <p>The writer calls {@link #data} only after the run's bytes were written, and hands runs in order, block-aligned,
 * as {@link BlockVisitor} promises. At most {@link #QUEUE} runs wait for the reader; the writer waits beyond that.
 */
final class ReadBack implements AutoCloseable {
    /** What was read back: the digest of the file's bytes and how many of them hold data (not zero blocks). */
    record Verified(String digest, long dataBytes) {}

    /** A run handed in by the writer: {@code length} bytes at {@code offset}, written data or unwritten zeros. */
    private record Run(long offset, long length, boolean data) {}

    static final int QUEUE = 256;
    /**
     * The largest read: written data not in the page cache (written directly) is read back directly, a device request
     * of up to this much.
     */
    private static final int CHUNK = ExtentReader.WINDOW;
    private static final Run END = new Run(-1, 0, false);

    private final Path file;
    private final ContentDigest check;
    private final BlockingQueue<Run> runs = new ArrayBlockingQueue<>(QUEUE);
    private final Thread reader;
    private final List<Extent> written = new ArrayList<>(); // merged, in order; the writer's thread only
    private volatile IOException failure;
    private long dataBytes; // the reader's; read after join
    private boolean ended;

    ReadBack(Path file, ContentDigest check) {
        this.file = file;
        this.check = check;
        this.reader = new Thread(this::readAll, "read-back");
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code length} bytes at {@code offset} were written (and are not all zero). */
    void data(long offset, long length) throws IOException {
        rethrow();
        int last = written.size() - 1;
        if (last >= 0 && written.get(last).end() == offset) {
            written.set(last, new Extent(written.get(last).offset(), written.get(last).length() + length));
        } else {
            written.add(new Extent(offset, length));
        }
        put(new Run(offset, length, true));
    }

    /** {@code length} zero bytes at {@code offset}, not written. */
    void zeros(long offset, long length) throws IOException {
        rethrow();
        put(new Run(offset, length, false));
    }

    /**
     * Waits until everything handed in was read back, then checks that the file ({@code size} bytes) holds nothing but
     * zeros outside the runs written. Empty when the filesystem cannot say where its data is (read the whole file back
     * then).
     *
     * @throws IOException reading failed, or the file holds non-zero bytes outside the runs written
     */
    Optional<Verified> finish(long size) throws IOException {
        put(END);
        ended = true;
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted reading " + file + " back");
        }
        rethrow();
        Optional<List<Extent>> allocated = SeekData.extents(file, 0, size);
        if (allocated.isEmpty()) {
            return Optional.empty();
        }
        List<Extent> elsewhere = outside(Extent.alignToBlocks(allocated.get(), size),
                Extent.alignToBlocks(written, size));
        if (!elsewhere.isEmpty()) {
            requireZeros(elsewhere);
        }
        return Optional.of(new Verified(check.finish(), dataBytes));
    }

    /** The parts of {@code allocated} outside every range of {@code runs} (both sorted, merged). */
    static List<Extent> outside(List<Extent> allocated, List<Extent> runs) {
        List<Extent> out = new ArrayList<>();
        int r = 0;
        for (Extent a : allocated) {
            long at = a.offset();
            while (r < runs.size() && runs.get(r).end() <= at) {
                r++;
            }
            for (int i = r; i < runs.size() && at < a.end() && runs.get(i).offset() < a.end(); i++) {
                Extent w = runs.get(i);
                if (w.offset() > at) {
                    out.add(new Extent(at, w.offset() - at));
                }
                at = Math.max(at, w.end());
            }
            if (at < a.end()) {
                out.add(new Extent(at, a.end() - at));
            }
        }
        return out;
    }

    /**
     * Reads {@code ranges}, where the filesystem holds data but nothing was written, and fails unless they read as
     * zeros (a filesystem that reports its holes as data, or keeps zeros on disk, passes; a stray write does not).
     */
    private void requireZeros(List<Extent> ranges) throws IOException {
        for (Extent e : ranges) {
            new FileSliceContent(file, e.offset(), e.length()).accept(new BlockVisitor() {
                @Override
                public void data(long offset, byte[] buf, int off, int len) throws IOException {
                    throw new IOException(file + " holds data at bytes " + (e.offset() + offset) + "-"
                            + (e.offset() + offset + len) + ", where nothing was written");
                }

                @Override
                public void zeros(long offset, long length) {
                    // what a hole or a block of zeros kept on disk reads as
                }
            });
        }
    }

    private void put(Run run) throws IOException {
        try {
            while (!runs.offer(run, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                rethrow(); // a reader that failed takes no more runs
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted reading " + file + " back");
        }
    }

    private void rethrow() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException("reading " + file + " back failed: " + f.getMessage(), f);
        }
    }

    private void readAll() {
        ExtentReader in = null;
        try {
            byte[] buf = new byte[CHUNK];
            RunBuilder out = new RunBuilder(BlockVisitor.tee(check, new BlockVisitor() {
                @Override
                public void data(long offset, byte[] b, int off, int len) {
                    dataBytes += len;
                }

                @Override
                public void zeros(long offset, long length) {
                    // holes and zero blocks hold no data
                }
            }));
            for (Run run = runs.take(); run != END; run = runs.take()) {
                if (!run.data()) {
                    out.zeros(run.offset(), run.length());
                    continue;
                }
                if (in == null) {
                    in = ExtentReader.open(file, 0, List.of()); // reads as asked: no read-ahead of unwritten ranges
                }
                long end = run.offset() + run.length();
                for (long at = run.offset(); at < end; ) {
                    int n = (int) Math.min(CHUNK, end - at);
                    in.read(at, n).get(buf, 0, n);
                    out.scan(at, buf, n);
                    at += n;
                }
            }
            out.flush();
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            failure = new InterruptedIOException("interrupted");
        } finally {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
            runs.clear();
        }
    }

    /** Stops the reader when {@link #finish} was not reached (the write failed). */
    @Override
    public void close() {
        if (!ended) {
            reader.interrupt();
        }
    }
}
