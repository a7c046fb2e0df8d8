package dev.kvmigrate.importer.source;

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
import java.util.concurrent.atomic.AtomicReference;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StorageVol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole-volume download cut into segments fetched by several libvirt streams at once, each on its own connection,
 * handed on in volume order. One libvirt volume stream is bounded by the daemon's per-stream pipeline (its I/O
 * helper reading the file, the daemon relaying it, the client receiving it), not by the link or the disk: measured
 * here on a 4 GiB volume holding 408 MiB of data, one sparse stream received the data in 2.7 s, four streams on four
 * connections in 1.0 s, four streams on one connection in 1.6 s. Hence one connection per stream.
 *
 * <p>Segments are {@link #SEGMENT} bytes, claimed by the workers in volume order, so the segments in flight are
 * always the lowest unfinished ones; a worker's received chunks wait in its segment's queue until the reader reaches
 * that segment. Memory is bounded by the segments in flight: at most {@code streams × SEGMENT} bytes of data (holes
 * cost nothing). Each segment is a ranged download ({@code virStorageVolDownload(offset, length)}), sparse when the
 * daemon allows; a segment's trailing hole the stream did not announce is passed on as a hole.
 *
 * <p>The number of streams is {@code -Dkvmigrate.libvirt.streams} (default 4; 1 turns segmenting off). A connection
 * that cannot be opened only means fewer streams.
 */
final class LibvirtSegments {
    private static final Logger LOG = LoggerFactory.getLogger(LibvirtSegments.class);

    static final String STREAMS_PROPERTY = "kvmigrate.libvirt.streams";
    static final long SEGMENT = 32L << 20;
    private static final int DEFAULT_STREAMS = 4;

    private LibvirtSegments() {}

    /** Streams to use for a volume of {@code capacity} bytes: 1 when segmenting buys nothing. */
    static int streamsFor(long capacity) {
        int wanted;
        try {
            wanted = Integer.parseInt(System.getProperty(STREAMS_PROPERTY, Integer.toString(DEFAULT_STREAMS)));
        } catch (NumberFormatException e) {
            wanted = DEFAULT_STREAMS;
        }
        long segments = (capacity + SEGMENT - 1) / SEGMENT;
        return (int) Math.max(1, Math.min(Math.min(wanted, 16), segments / 2));
    }

    /** One event of a segment, in order: data, a hole, or the end (with a failure, or none). */
    private record Event(byte[] data, int length, long hole, boolean end, Throwable failure) {
        static final Event END = new Event(null, 0, 0, true, null);
    }

    private static final class Segment {
        final long offset;
        final long length;
        /** Bounded by the segment's own size in chunks: a worker never waits on its own queue for long. */
        final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(1024);

        Segment(long offset, long length) {
            this.offset = offset;
            this.length = length;
        }
    }

    /**
     * Downloads the whole volume of {@code h} with {@code streams} streams into {@code receiver}, in order.
     *
     * @return whether every segment was sparse
     */
    static boolean download(LibvirtVolumeHandle h, int streams, LibvirtStreams.Receiver receiver)
            throws IOException {
        List<Segment> segments = new ArrayList<>();
        for (long at = 0; at < h.capacity; at += SEGMENT) {
            segments.add(new Segment(at, Math.min(SEGMENT, h.capacity - at)));
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Boolean> allSparse = new AtomicReference<>(true);
        ExecutorService pool = Executors.newFixedThreadPool(streams, r -> {
            Thread t = new Thread(r, "libvirt-segment");
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> workers = new ArrayList<>();
        boolean done = false;
        try {
            workers.add(pool.submit(() -> work(h, h.conn, h.vol, segments, next, allSparse)));
            for (int i = 1; i < streams; i++) {
                // each further stream connects in its own thread, while the first already streams
                workers.add(pool.submit(() -> {
                    Connect c = connect(h);
                    if (c != null) {
                        try {
                            work(h, c, lookup(c, h), segments, next, allSparse);
                        } finally {
                            closeQuietly(c);
                        }
                    }
                    return null;
                }));
            }
            for (Segment s : segments) {
                drain(s, receiver);
            }
            done = true;
            return allSparse.get();
        } finally {
            pool.shutdownNow();
            if (!done) {
                // a failure: let the workers abort their streams before the caller closes the connection
                for (Future<?> w : workers) {
                    try {
                        w.get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        // its failure reached the reader through its segment, or the reader failed first
                    }
                }
            }
        }
    }

    /** Hands segment {@code s}'s events on; its length is made whole by a trailing hole. */
    private static void drain(Segment s, LibvirtStreams.Receiver receiver) throws IOException {
        long seen = 0;
        while (true) {
            Event e;
            try {
                e = s.queue.take();
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted reading a libvirt volume");
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
        if (seen > s.length) {
            throw new IOException("the libvirt stream of [" + s.offset + ", " + (s.offset + s.length) + ") gave "
                    + seen + " bytes");
        }
        if (seen < s.length) {
            receiver.hole(s.length - seen);
        }
    }

    private static Void work(LibvirtVolumeHandle h, Connect conn, StorageVol vol, List<Segment> segments,
            AtomicInteger next, AtomicReference<Boolean> allSparse) {
        for (int i; (i = next.getAndIncrement()) < segments.size();) {
            Segment s = segments.get(i);
            try {
                boolean sparse = LibvirtStreams.download(conn, vol, s.offset, s.length, true, h.counters,
                        new LibvirtStreams.Receiver() {
                            @Override
                            public boolean freshBuffers() {
                                return true;
                            }

                            @Override
                            public void data(byte[] buf, int len) throws IOException {
                                put(s, new Event(buf, len, 0, false, null));
                            }

                            @Override
                            public void hole(long length) throws IOException {
                                put(s, new Event(null, 0, length, false, null));
                            }
                        });
                if (!sparse) {
                    allSparse.set(false);
                }
                put(s, Event.END);
            } catch (IOException | RuntimeException e) {
                try {
                    put(s, new Event(null, 0, 0, true, e));
                } catch (IOException interrupted) {
                    return null;
                }
                return null;
            }
        }
        return null;
    }

    private static void put(Segment s, Event e) throws IOException {
        try {
            s.queue.put(e);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("libvirt segment download stopped");
        }
    }

    /** Another connection to the volume's daemon, or null (then fewer streams do the work). */
    private static Connect connect(LibvirtVolumeHandle h) {
        try {
            Connect c = new Connect(h.uri, false);
            try {
                lookup(c, h);
                return c;
            } catch (RuntimeException e) {
                closeQuietly(c);
                throw e;
            }
        } catch (LibvirtException | RuntimeException e) {
            LOG.debug("libvirt {}: another connection for a parallel volume download failed ({})", h.uri,
                    e.getMessage());
            return null;
        }
    }

    private static StorageVol lookup(Connect c, LibvirtVolumeHandle h) {
        try {
            return c.storageVolLookupByKey(h.vol.getKey());
        } catch (LibvirtException e) {
            throw new IllegalStateException("libvirt " + h.uri + ": volume " + h.describe
                    + " not found again on a second connection: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(Connect c) {
        try {
            c.close();
        } catch (LibvirtException | RuntimeException e) {
            LOG.debug("closing a libvirt connection: {}", e.getMessage());
        }
    }
}
