package dev.kvmigrate.importer.transfer;

import dev.kvmigrate.importer.Progress;
import dev.kvmigrate.importer.ProgressListener;

/** Counts one attempt's bytes and reports them to a listener at most every 200 ms (and at the end). */
public final class Meter {
    private static final long EVERY_NANOS = 200_000_000L;

    private final String disk;
    private final long total;
    private final ProgressListener listener;
    private final long start = System.nanoTime();
    private long lastReport = start;
    private long done;
    private long wire;

    public Meter(String disk, long total, ProgressListener listener) {
        this.disk = disk;
        this.total = total;
        this.listener = listener;
    }

    /** Counts {@code bytes} of content handled (for sinks that write without a wire). */
    public void countContent(long bytes) {
        advance(bytes);
    }

    void advance(long bytes) {
        done += bytes;
        maybeReport();
    }

    void wire(long bytes) {
        wire += bytes;
    }

    public long wireBytes() {
        return wire;
    }

    public long done() {
        return done;
    }

    private void maybeReport() {
        long now = System.nanoTime();
        if (now - lastReport >= EVERY_NANOS) {
            lastReport = now;
            report(now);
        }
    }

    /** Reports the current counts now. */
    public void report() {
        report(System.nanoTime());
    }

    private void report(long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        listener.progress(new Progress(disk, done, total, wire, done / seconds));
    }
}
