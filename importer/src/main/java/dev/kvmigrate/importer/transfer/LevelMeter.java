package dev.kvmigrate.importer.transfer;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compressing side of {@link AdaptiveZstdEncoder}: zstd frames of a chunk at a level, and what each level costs
 * on this disk's data, from probes of a {@link #sample} of a chunk at each level: input bytes per second of one
 * core's CPU time and the wire/input ratio, as running sums that lose half their weight at each read
 * ({@link #measureAndDecay}). Frames and probes run on the encoder's worker threads; each thread keeps its own zstd
 * context and output buffer.
 */
final class LevelMeter {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported()
            && THREADS.isThreadCpuTimeEnabled();

    /** The levels measured and chosen from. */
    static final int[] CANDIDATES = {1, 3, 6};
    static final int PROBE = 1 << 20;
    /** Pieces a probe's sample is taken in, spread over the chunk. */
    static final int SLICES = 16;
    /** Weight of a new sample in the running estimates. */
    private static final double NEW = 0.5;

    private final int chunk;
    /** Per level: input bytes, nanoseconds, output bytes (decayed at each read); guarded by itself. */
    private final Map<Integer, double[]> sums = new HashMap<>();
    /**
     * Every zstd context made, to free at {@link #close()}: zstd-jni frees a context only when it is closed (no
     * cleaner), and each held its level's tables (megabytes) per disk for the rest of the run: bench/fleet's RSS grew
     * ~3 MiB per disk.
     */
    private final List<ZstdCompressCtx> contexts = new ArrayList<>();
    private final ThreadLocal<ZstdCompressCtx> ctx = ThreadLocal.withInitial(() -> {
        ZstdCompressCtx c = new ZstdCompressCtx();
        synchronized (contexts) {
            contexts.add(c);
        }
        return c;
    });
    private final ThreadLocal<Boolean> warm = ThreadLocal.withInitial(() -> false);
    private final ThreadLocal<byte[]> outBuffer = ThreadLocal.withInitial(() -> new byte[0]);

    /** @param chunk the largest input a frame holds (each thread's output buffer is sized for it) */
    LevelMeter(int chunk) {
        this.chunk = chunk;
    }

    /**
     * Up to {@link #PROBE} bytes of the chunk's data as {@link #SLICES} slices spread evenly over it, its zero runs
     * left out: they go as RLE blocks whatever the level. The first megabyte alone was not the chunk: an ext4
     * image's first chunk starts with a superblock and near-empty metadata, which made zstd3 look 690 MB/s fast at a
     * ratio of 0.004 and chose it for a link it could not keep up with.
     */
    static byte[] sample(byte[] buf, int len, List<int[]> zeroRuns) {
        List<int[]> data = new ArrayList<>(); // [start, end) of each data range of the chunk
        int at = 0;
        for (int[] z : zeroRuns) {
            if (z[0] > at) {
                data.add(new int[] {at, z[0]});
            }
            at = z[0] + z[1];
        }
        if (len > at) {
            data.add(new int[] {at, len});
        }
        long total = data.stream().mapToLong(r -> r[1] - r[0]).sum();
        byte[] sample = new byte[(int) Math.min(total, PROBE)];
        int slices = Math.max(1, Math.min(SLICES, sample.length));
        int slice = sample.length / slices;
        int n = 0;
        int range = 0;
        long passed = 0; // data bytes in the ranges before {@code range}
        for (int k = 0; k < slices; k++) {
            long from = total == sample.length ? (long) k * slice : k * (total / slices);
            int want = k == slices - 1 ? sample.length - n : slice;
            while (want > 0) {
                while (from >= passed + data.get(range)[1] - data.get(range)[0]) {
                    passed += data.get(range)[1] - data.get(range)[0];
                    range++;
                }
                int off = (int) (data.get(range)[0] + from - passed);
                int take = Math.min(want, data.get(range)[1] - off);
                System.arraycopy(buf, off, sample, n, take);
                n += take;
                from += take;
                want -= take;
            }
        }
        return sample;
    }

    /** Frees the zstd contexts; only once no frame or probe runs (the workers have stopped). */
    void close() {
        synchronized (contexts) {
            contexts.forEach(ZstdCompressCtx::close);
            contexts.clear();
        }
    }

    /** Contexts made and not yet freed (for tests). */
    int openContexts() {
        synchronized (contexts) {
            return contexts.size();
        }
    }

    /** Compresses {@code sample} at each of {@code levels}, recording speed and ratio. */
    Void probe(byte[] sample, int[] levels) {
        if (!warm.get()) {
            warm.set(true);
            for (int l : CANDIDATES) { // a level's first use in a thread allocates its context: not its speed
                ctx.get().reset();
                ctx.get().setLevel(l);
                ctx.get().compress(Arrays.copyOf(sample, Math.min(sample.length, 64 * 1024)));
            }
        }
        for (int l : levels) {
            byte[] dst = scratch(sample.length);
            long t0 = cpuNanos();
            int n = compress(sample, sample.length, l, dst);
            record(l, sample.length, Math.max(1, cpuNanos() - t0), n);
        }
        return null;
    }

    /** This thread's output buffer for a frame of {@code len} input bytes (one per worker: not a chunk's garbage). */
    private byte[] scratch(int len) {
        int bound = (int) Zstd.compressBound(len);
        byte[] b = outBuffer.get();
        if (b.length < bound) {
            b = new byte[(int) Zstd.compressBound(Math.max(len, chunk))];
            outBuffer.set(b);
        }
        return b;
    }

    /** One zstd frame of {@code buf[0, len)} at {@code level}, to send. */
    byte[] frame(byte[] buf, int len, int level) {
        byte[] dst = scratch(len);
        return Arrays.copyOf(dst, compress(buf, len, level, dst));
    }

    /** Compresses {@code buf[0, len)} at {@code l} into {@code dst}; the frame's length. */
    private int compress(byte[] buf, int len, int l, byte[] dst) {
        ZstdCompressCtx c = ctx.get();
        c.reset();
        c.setLevel(l);
        c.setContentSize(true);
        return c.compressByteArray(dst, 0, dst.length, buf, 0, len);
    }

    /**
     * The calling thread's CPU time, where the JVM measures it (else the wall clock). A level's speed is its CPU
     * cost on this data: wall time also counted the waits for a core, which depend on what else runs, and that
     * differs by level: sending stored data at 1 Gbit keeps the sending thread and a loopback receiver busy, so a
     * probe then measured zstd1 at 90-130 MB/s, while zstd1 once chosen sent 177 MB/s of this data with one thread.
     */
    private static long cpuNanos() {
        return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** Adds one compression to its level's sums (so speed is total bytes over total time, not a mean of rates). */
    private void record(int l, long in, long nanos, long out) {
        synchronized (sums) {
            double[] sum = sums.computeIfAbsent(l, k -> new double[3]);
            sum[0] += in;
            sum[1] += nanos;
            sum[2] += out;
        }
    }

    /** Speed and ratio per level from the sums; the sums then lose half their weight, so new data counts most. */
    Map<Integer, LevelChooser.Measure> measureAndDecay() {
        synchronized (sums) {
            Map<Integer, LevelChooser.Measure> m = new HashMap<>();
            for (Map.Entry<Integer, double[]> e : sums.entrySet()) {
                double[] sum = e.getValue();
                if (sum[0] > 0 && sum[1] > 0 && sum[2] > 0) {
                    m.put(e.getKey(), new LevelChooser.Measure(sum[0] * 1e9 / sum[1], sum[2] / sum[0]));
                }
                for (int i = 0; i < sum.length; i++) {
                    sum[i] *= 1 - NEW;
                }
            }
            return m;
        }
    }
}
