package dev.kvmigrate.importer.transfer;

import dev.kvmigrate.importer.format.ZstdSparseWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * The measuring plumbing behind {@link WireEncoding#ZSTD_ADAPTIVE}: data is cut into chunks of up to
 * {@link #CHUNK} bytes, each sent as its own zstd frame (stored, or compressed at the level {@link LevelChooser}
 * picks), holes of {@link #HOLE} bytes or more as RLE blocks between them; a decoder reads the concatenation.
 *
 * <p>Compression runs on worker threads (processors − 1, at least one), pipelined with the caller's thread, which
 * reads, hashes and writes finished frames in order. What it measures, for the chooser:
 * <ul>
 *   <li>the link: wire bytes per second, from each window of at least {@link #LINK_SAMPLE} written bytes, as
 *       {@link LinkEstimate} reasons. While the estimate is only optimistic (writes into buffers) and picks stored,
 *       that is a trial that ends as soon as its window says something ({@link LinkEstimate#conclusive}), so a slow
 *       link corrects it within a few chunks;</li>
 *   <li>per level, input bytes per second of one core's CPU time and wire/input ratio on this disk's data: from a
 *       probe of {@link LevelMeter#PROBE} bytes (spread over a chunk's data) at each of
 *       {@link LevelMeter#CANDIDATES} at every re-evaluation, except levels that cannot beat "stored" on the
 *       measured link ({@link #probeLevels()}), measured by {@link LevelMeter}. Only probes count, so levels are
 *       compared on the same samples: counting the chunks sent at the current level too had compared zstd1 on 50 MB
 *       of filesystem data with zstd3 on one near-empty metadata chunk.</li>
 * </ul>
 * While a compressing level is chosen, a share of the chunks goes stored ({@link StoredShare}) when compression,
 * not the link, set the pace: the link's spare room carries them.
 * The level is re-evaluated after the first {@link #FIRST_EVAL} bytes (once the link has a sample), then every
 * {@link #EVERY} bytes or {@link #EVERY_NANOS} ({@link #EARLY_NANOS} the first {@link #EARLY} times), so a changing
 * link or change of content is followed. Holds at most (workers + 2) chunks.
 */
final class AdaptiveZstdEncoder implements BlockVisitor {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdaptiveZstdEncoder.class);

    /**
     * Up to (workers + 2) chunks are pending and as many reused, per disk: 2 MiB (was 4) keeps a 4-disk plan run's
     * buffers under 100 MiB; zstd -1 on 2 MiB frames of real disk data wrote 0.11 % more than on 4 MiB ones.
     */
    static final int CHUNK = 2 << 20;
    static final long HOLE = 1 << 20;
    static final long FIRST_EVAL = 16L << 20;
    static final long EVERY = 64L << 20;
    static final long EVERY_NANOS = 2_000_000_000L;
    /**
     * The time bound of the first {@link #EARLY} re-evaluations: the first link samples are often low (the JVM
     * compiling beside the receiver on a small host), and a level chosen on them should not hold for 2 s.
     */
    static final long EARLY_NANOS = 500_000_000L;
    static final int EARLY = 8;
    /** Wire bytes a link sample needs: more than socket buffers and rate-limit bursts absorb without blocking. */
    static final long LINK_SAMPLE = 8 << 20;

    private final OutputStream out;
    private final ZstdSparseWriter sparse;
    private final int workers;
    private final ExecutorService pool;
    private final ArrayDeque<Entry> pending = new ArrayDeque<>();
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private final LevelMeter meter = new LevelMeter(CHUNK);
    private volatile Map<Integer, LevelChooser.Measure> lastMeasures = Map.of();
    private final Map<Integer, Long> inputByLevel = new TreeMap<>();

    private byte[] chunk;
    private int fill;
    private List<int[]> zeroRuns = new ArrayList<>();
    private int chunks; // data entries in pending
    private int compressing; // of them, compressed ones
    private int passed = -1; // bytes of the chunk being passed through, -1 when none is
    private long passNanos;
    private long passedBytes;

    private int level = LevelChooser.FIRST;
    private LinkEstimate link = LinkEstimate.NONE;
    private long windowWireBytes;
    private long windowWriteNanos;
    private long windowStart = System.nanoTime();
    private int trialChunks;
    private StoredShare storedShare = StoredShare.NONE;
    private AchievedRates achieved = AchievedRates.NONE;
    private double storedCredit;
    private long windowAwaitNanos;
    private final long started = System.nanoTime();
    private long finished;
    private long totalWireBytes;
    private long sinceEval;
    private long lastEval = System.nanoTime();
    private boolean evaluatedOnce;
    private int evaluations;
    private boolean probeDue = true;
    private boolean wroteAnything;

    AdaptiveZstdEncoder(OutputStream out) {
        this(out, Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
    }

    AdaptiveZstdEncoder(OutputStream out, int workers) {
        this.out = out;
        this.sparse = new ZstdSparseWriter(out);
        this.workers = workers;
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "kv-zstd-adaptive");
            t.setDaemon(true);
            return t;
        });
    }

    private sealed interface Entry permits Hole, Stored, Compressed {}

    private record Hole(long length) implements Entry {}

    private record Stored(byte[] buf, int len, List<int[]> zeroRuns) implements Entry {}

    private record Compressed(byte[] buf, Future<byte[]> frame) implements Entry {}

    @Override
    public void data(long offset, byte[] buf, int off, int len) throws IOException {
        wroteAnything = true;
        int at = 0;
        while (at < len) {
            if (chunk == null && passed < 0) {
                startChunk();
            }
            if (passed >= 0) {
                int n = Math.min(len - at, CHUNK - passed);
                long t0 = System.nanoTime();
                sparse.raw(buf, off + at, n);
                passNanos += System.nanoTime() - t0;
                passed += n;
                at += n;
                if (passed == CHUNK) {
                    endPassing();
                }
                continue;
            }
            int n = Math.min(len - at, CHUNK - fill);
            System.arraycopy(buf, off + at, chunk, fill, n);
            fill += n;
            at += n;
            if (fill == CHUNK) {
                submit();
            }
        }
    }

    @Override
    public void zeros(long offset, long length) throws IOException {
        wroteAnything = true;
        if (passed >= 0) {
            if (passed == 0 || length >= HOLE) {
                endPassing();
                sparse.zeros(length); // as a pending hole is written: nothing is pending while passing
                return;
            }
            int n = (int) Math.min(length, CHUNK - passed); // a short run inside the chunk: RLE blocks in its frame
            long t0 = System.nanoTime();
            sparse.zeros(n);
            passNanos += System.nanoTime() - t0;
            passed += n;
            if (passed == CHUNK) {
                endPassing();
            }
            if (n < length) {
                zeros(offset + n, length - n);
            }
            return;
        }
        if (fill == 0 || length >= HOLE) {
            submit();
            pending.add(new Hole(length));
            return;
        }
        long left = length;
        while (left > 0) {
            if (chunk == null) {
                startChunk();
                if (passed >= 0) {
                    zeros(offset + length - left, left);
                    return;
                }
            }
            int n = (int) Math.min(left, CHUNK - fill);
            Arrays.fill(chunk, fill, fill + n, (byte) 0);
            zeroRuns.add(new int[] {fill, n});
            fill += n;
            left -= n;
            if (fill == CHUNK) {
                submit();
            }
        }
    }

    /**
     * Starts the next chunk: passed through when it goes stored and nothing compressed is ahead of it (the level is
     * stored, after re-evaluating when due, and no probe is due), else a buffer to fill. A chunk passed through is
     * written as its data comes, from the caller's array: no copy into a chunk, no wait (on a fast link, where stored
     * is chosen, that copy was a fifth of the user-space copying per byte sent). Stored chunks and holes still
     * pending are written first, which never waits.
     */
    private void startChunk() throws IOException {
        if (level == LevelChooser.STORED && compressing == 0 && !probeDue) {
            long now = System.nanoTime();
            if (due(now)) {
                evaluate(now);
            }
            if (level == LevelChooser.STORED && !probeDue) {
                drain(0);
                passed = 0;
                return;
            }
        }
        chunk = free.isEmpty() ? new byte[CHUNK] : free.poll();
        fill = 0;
        zeroRuns = new ArrayList<>();
    }

    /** Ends the chunk being passed through: its frame, and the accounting a stored chunk gets when written. */
    private void endPassing() throws IOException {
        int len = passed;
        passed = -1;
        if (len <= 0) {
            return;
        }
        long t0 = System.nanoTime();
        sparse.endFrame();
        passNanos += System.nanoTime() - t0;
        sinceEval += len;
        passedBytes += len;
        inputByLevel.merge(LevelChooser.STORED, (long) len, Long::sum);
        if (trial()) {
            trialChunks++;
        }
        wrote(len, passNanos);
        passNanos = 0;
    }

    /** Bytes passed through without a copy (for tests). */
    long passedBytes() {
        return passedBytes;
    }

    /** Hands the chunk being filled to its level (after re-evaluating when due) and drains what is ready. */
    private void submit() throws IOException {
        if (chunk == null || fill == 0) {
            return;
        }
        sinceEval += fill;
        if (trial() && trialChunks > 0) {
            drain(0); // a trial's verdict comes before more data is committed to stored
        }
        long now = System.nanoTime();
        if (due(now)) {
            evaluate(now);
        }
        byte[] buf = chunk;
        int len = fill;
        chunk = null;
        fill = 0;
        if (probeDue) {
            byte[] sample = LevelMeter.sample(buf, len, zeroRuns);
            if (sample.length > 0) {
                probeDue = false;
                int[] levels = probeLevels();
                pool.submit(() -> meter.probe(sample, levels));
            }
        }
        boolean stored = level == LevelChooser.STORED;
        if (!stored && storedShare.share() > 0) {
            storedCredit += storedShare.share();
            if (storedCredit >= 1) {
                storedCredit -= 1;
                stored = true;
            }
        }
        inputByLevel.merge(stored ? LevelChooser.STORED : level, (long) len, Long::sum);
        if (trial()) {
            trialChunks++;
        }
        if (stored) {
            pending.add(new Stored(buf, len, zeroRuns));
        } else {
            int at = level;
            pending.add(new Compressed(buf, pool.submit(() -> meter.frame(buf, len, at))));
            compressing++;
        }
        chunks++;
        drain(workers + 2);
    }

    /** Whether the level is re-evaluated now. */
    private boolean due(long now) {
        return evaluatedOnce
                ? sinceEval >= EVERY || now - lastEval >= (evaluations <= EARLY ? EARLY_NANOS : EVERY_NANOS)
                        || trial() && windowWireBytes >= LINK_SAMPLE
                : sinceEval >= FIRST_EVAL && windowWireBytes >= LINK_SAMPLE; // the first once the link shows
    }

    private void evaluate(long now) {
        if (!link.conclusive(windowWireBytes, windowWriteNanos, now - windowStart, level == LevelChooser.STORED)) {
            return; // buffers may have taken all of it: the trial goes on
        }
        if (evaluatedOnce && !trial()) { // the first period warms up, a trial's stored data fills empty buffers
            achieved = achieved.after(level, sinceEval, now - lastEval, now);
        }
        if (windowWireBytes >= LINK_SAMPLE && windowWriteNanos > 0) {
            link = link.next(windowWireBytes, windowWriteNanos, now - windowStart, level == LevelChooser.STORED);
            StoredShare share = storedShare.next(windowWriteNanos, windowAwaitNanos, now - windowStart);
            if (share.share() != storedShare.share() && level != LevelChooser.STORED) {
                LOG.debug("stored share {} -> {}: writes {} ms, waits for frames {} ms of a {} ms window",
                        storedShare.share(), share.share(), windowWriteNanos / 1_000_000,
                        windowAwaitNanos / 1_000_000, (now - windowStart) / 1_000_000);
            }
            storedShare = share;
            windowWireBytes = 0;
            windowWriteNanos = 0;
            windowAwaitNanos = 0;
            windowStart = now;
        }
        Map<Integer, LevelChooser.Measure> seen = meter.measureAndDecay();
        lastMeasures = seen;
        int model = LevelChooser.choose(link.rate(), seen, workers);
        Map<Integer, Double> rates = achieved.recent(now);
        int next = LevelChooser.checked(model, rates);
        if (next != level) {
            LOG.info("zstd level {} -> {}: link ~{} MB/s, {} compressing thread(s), measured {}{}",
                    LevelChooser.label(level), LevelChooser.label(next),
                    link.rate().isPresent() ? String.format(Locale.ROOT, "%.0f", link.rate().getAsDouble() / 1e6)
                            : "?",
                    workers, LevelChooser.describe(seen), next == model ? "" : "; not " + LevelChooser.label(model)
                            + ": achieved " + LevelChooser.describeRates(rates));
        }
        level = next;
        evaluatedOnce = true;
        evaluations++;
        sinceEval = 0;
        trialChunks = 0;
        lastEval = now;
        probeDue = true;
    }

    /**
     * Whether data goes stored on a link known only from writes into buffers: a trial. After its first chunk
     * everything pending is written before more is committed, and it ends (re-evaluates) as soon as the window
     * holds a link sample, so a slow link costs one or two chunks of uncompressed data, not a period.
     */
    private boolean trial() {
        return level == LevelChooser.STORED && link.optimistic();
    }

    /** The candidates worth probing now ({@link LevelChooser#probeLevels}). */
    int[] probeLevels() {
        return LevelChooser.probeLevels(level, link.measured(), lastMeasures, workers, LevelMeter.CANDIDATES);
    }

    /** Writes entries in order until at most {@code keepChunks} data chunks are pending. */
    private void drain(int keepChunks) throws IOException {
        while (!pending.isEmpty() && (chunks > keepChunks || pending.peek() instanceof Hole)) {
            Entry e = pending.poll();
            if (e instanceof Hole h) {
                sparse.zeros(h.length());
            } else if (e instanceof Stored s) {
                long t0 = System.nanoTime();
                int at = 0;
                for (int[] z : s.zeroRuns()) {
                    if (z[0] > at) {
                        sparse.raw(s.buf(), at, z[0] - at);
                    }
                    sparse.zeros(z[1]);
                    at = z[0] + z[1];
                }
                if (at < s.len()) {
                    sparse.raw(s.buf(), at, s.len() - at);
                }
                sparse.endFrame();
                wrote(s.len(), System.nanoTime() - t0);
                release(s.buf());
            } else if (e instanceof Compressed c) {
                compressing--;
                long w0 = System.nanoTime();
                byte[] frame = await(c.frame());
                windowAwaitNanos += System.nanoTime() - w0;
                sparse.endFrame();
                long t0 = System.nanoTime();
                out.write(frame);
                wrote(frame.length, System.nanoTime() - t0);
                release(c.buf());
            }
        }
    }

    private void wrote(long bytes, long nanos) {
        totalWireBytes += bytes;
        windowWireBytes += bytes;
        windowWriteNanos += nanos;
    }

    private void release(byte[] buf) {
        chunks--;
        if (free.size() < workers + 3) {
            free.add(buf);
        }
    }

    private static byte[] await(Future<byte[]> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        } catch (ExecutionException e) {
            throw new IOException("compressing a chunk failed: " + e.getCause(), e.getCause());
        }
    }

    /** Sends what is pending and ends the last frame; the stream stays open. */
    void finish() throws IOException {
        endPassing();
        submit();
        drain(0);
        if (!wroteAnything) {
            sparse.startFrame(); // an empty disk still sends one (empty) frame
        }
        sparse.endFrame();
        finished = System.nanoTime();
        close();
    }

    /** Stops the workers (also after a failure), then frees their zstd contexts once they have stopped. */
    void close() {
        pool.shutdownNow();
        try {
            if (pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
                meter.close();
            } else {
                LOG.warn("zstd workers still running 30 s after the upload ended; their contexts stay allocated");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The zstd contexts not yet freed (for tests). */
    int openContexts() {
        return meter.openContexts();
    }

    /** Share of the data (input bytes) per level, largest first, e.g. {@code zstd1:92%,none:8%}; empty when none. */
    String levels() {
        long total = inputByLevel.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return "";
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        inputByLevel.entrySet().stream().sorted(Map.Entry.<Integer, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(LevelChooser.label(e.getKey()), e.getValue()));
        return sorted.entrySet().stream().map(e -> e.getKey() + ":" + Math.round(100.0 * e.getValue() / total) + "%")
                .collect(Collectors.joining(","));
    }

    /**
     * The link estimate in wire bytes per second: the last measured one; where the link never limited the upload
     * (the estimate only optimistic), the rate achieved over the whole upload, which the link at least took; 0
     * before anything was sent.
     */
    long linkBytesPerSecond() {
        if (link.measured().isEmpty()) {
            return (long) (totalWireBytes * 1e9 / Math.max(1, (finished > 0 ? finished : System.nanoTime()) - started));
        }
        return (long) link.rate().getAsDouble();
    }

    /** The measures the last evaluation used (for tests and logs). */
    Map<Integer, LevelChooser.Measure> measures() {
        return lastMeasures;
    }
}
