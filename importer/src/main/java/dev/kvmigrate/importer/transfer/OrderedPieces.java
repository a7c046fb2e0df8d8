package dev.kvmigrate.importer.transfer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A disk read as consecutive pieces fetched by several workers at once and handed on in disk order: the way to go
 * faster than one stream where the source serves one stream at a bounded rate (a libvirt volume stream, an imageio
 * range) but serves several side by side. Each worker has a {@link Fetcher} of its own (its own connection); pieces
 * are claimed in disk order, so the pieces in flight are always the lowest unfinished ones, and a worker's chunks
 * wait in its piece's queue (bounded) until the reader reaches that piece. With one worker it is a pipeline: the
 * source is read on the worker's thread while the reader's thread handles what came before.
 *
 * <p>Every piece reaches the receiver whole: a piece its fetcher leaves short ends in a hole (a sparse stream need
 * not announce a trailing hole); one that runs long is an error. A failure of any fetch fails the read, after the
 * workers stopped.
 */
public final class OrderedPieces {
    private static final Logger LOG = LoggerFactory.getLogger(OrderedPieces.class);

    private OrderedPieces() {}

    /** {@code [offset, offset + length)} of the disk. */
    public record Piece(long offset, long length) {}

    /** Where a piece's bytes go, in order: data chunks and holes. */
    public interface Receiver {
        void data(byte[] buf, int len) throws IOException;

        void hole(long length) throws IOException;
    }

    /** One worker's access to the source (a connection of its own); closed when the worker ends. */
    public interface Fetcher extends AutoCloseable {
        /**
         * Fetches {@code piece} into {@code out}. The arrays handed to {@link Receiver#data} are kept until the
         * reader reaches the piece: each must be an array of its own, not a reused buffer.
         */
        void fetch(Piece piece, Receiver out) throws IOException;

        @Override
        default void close() {}
    }

    /** Opens one more fetcher; empty when it cannot (then fewer workers do the work). */
    @FunctionalInterface
    public interface Fetchers {
        java.util.Optional<Fetcher> open();
    }

    /** Consecutive pieces of at most {@code max} bytes covering {@code [offset, offset + length)}. */
    public static List<Piece> split(long offset, long length, long max) {
        List<Piece> out = new ArrayList<>();
        for (long at = offset; at < offset + length; at += max) {
            out.add(new Piece(at, Math.min(max, offset + length - at)));
        }
        return out;
    }

    /** One event of a piece, in order: data, a hole, or the end (with a failure, or none). */
    private record Event(byte[] data, int length, long hole, boolean end, Throwable failure) {
        static final Event END = new Event(null, 0, 0, true, null);
    }

    private static final class Slot {
        final Piece piece;
        /**
         * A worker ahead of the reader waits here when its piece has come in more events than this: with chunks of
         * 256 KiB, 32 MiB of data per piece in flight at most.
         */
        final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(128);

        Slot(Piece piece) {
            this.piece = piece;
        }
    }

    /**
     * Reads {@code pieces} (consecutive, in disk order) with {@code first} and up to {@code workers - 1} fetchers
     * from {@code more}, each opened by its own worker while the first already fetches, into {@code receiver}.
     */
    public static void read(List<Piece> pieces, Fetcher first, Fetchers more, int workers, Receiver receiver)
            throws IOException {
        List<Slot> slots = pieces.stream().map(Slot::new).toList();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, workers), r -> {
            Thread t = new Thread(r, "piece-fetch");
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> running = new ArrayList<>();
        boolean done = false;
        try {
            running.add(pool.submit(() -> work(first, slots, next)));
            for (int i = 1; i < workers; i++) {
                running.add(pool.submit(() -> {
                    if (next.get() >= slots.size()) {
                        return null; // every piece already claimed: a connection would go unused
                    }
                    java.util.Optional<Fetcher> f = more.open();
                    if (f.isPresent()) {
                        try (Fetcher mine = f.get()) {
                            work(mine, slots, next);
                        }
                    }
                    return null;
                }));
            }
            for (Slot s : slots) {
                drain(s, receiver);
            }
            done = true;
        } finally {
            pool.shutdownNow();
            if (!done) {
                // a failure: let the workers stop their fetches before the caller closes what they use
                for (Future<?> f : running) {
                    try {
                        f.get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        LOG.debug("a piece worker ended with {}", e.toString());
                    }
                }
            }
        }
    }

    /** Hands piece {@code s}'s events on; its length is made whole by a trailing hole. */
    private static void drain(Slot s, Receiver receiver) throws IOException {
        long seen = 0;
        while (true) {
            Event e;
            try {
                e = s.queue.take();
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted reading a disk");
            }
            if (e.end()) {
                if (e.failure() != null) {
                    throw e.failure() instanceof IOException io ? io
                            : new IOException(e.failure().getMessage(), e.failure());
                }
                break;
            }
            if (e.data() != null) {
                seen += e.length();
                receiver.data(e.data(), e.length());
            } else {
                seen += e.hole();
                receiver.hole(e.hole());
            }
        }
        if (seen > s.piece.length()) {
            throw new IOException("the source gave " + seen + " bytes for [" + s.piece.offset() + ", "
                    + (s.piece.offset() + s.piece.length()) + ")");
        }
        if (seen < s.piece.length()) {
            receiver.hole(s.piece.length() - seen);
        }
    }

    private static Void work(Fetcher fetcher, List<Slot> slots, AtomicInteger next) {
        for (int i; (i = next.getAndIncrement()) < slots.size();) {
            Slot s = slots.get(i);
            try {
                fetcher.fetch(s.piece, new Receiver() {
                    @Override
                    public void data(byte[] buf, int len) throws IOException {
                        put(s, new Event(buf, len, 0, false, null));
                    }

                    @Override
                    public void hole(long length) throws IOException {
                        put(s, new Event(null, 0, length, false, null));
                    }
                });
                put(s, Event.END);
            } catch (IOException | RuntimeException e) {
                try {
                    put(s, new Event(null, 0, 0, true, e));
                } catch (IOException interrupted) {
                    LOG.debug("stopped before its failure was handed on: {}", e.toString());
                }
                return null;
            }
        }
        return null;
    }

    private static void put(Slot s, Event e) throws IOException {
        try {
            s.queue.put(e);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("piece fetch stopped");
        }
    }
}
