package dev.kvmigrate.importer.standin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Upload body bytes the stand-in's proxy received, per fixed window of time, all uploads together: what a bandwidth
 * cap is checked against (bench/fleet). Windows start at the first byte received after the meter started; window
 * {@code i} covers {@code [first + i·w, first + (i+1)·w)}. The window holding the last byte received is partial (the
 * transfer ended inside it): {@link #fullWindows()} leaves it out. Thread-safe; one add per socket read.
 */
public final class ReceiveMeter {
    private final long windowNanos;
    private final LongSupplier clock;
    private final List<Long> windows = new ArrayList<>();
    private long first = -1;

    ReceiveMeter(Duration window, LongSupplier nanoClock) {
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        this.windowNanos = window.toNanos();
        this.clock = nanoClock;
    }

    /** A meter of {@code window}-long windows on {@link System#nanoTime}. */
    public static ReceiveMeter of(Duration window) {
        return new ReceiveMeter(window, System::nanoTime);
    }

    /** Records {@code bytes} received now. */
    public synchronized void add(long bytes) {
        long now = clock.getAsLong();
        if (first < 0) {
            first = now;
        }
        int w = (int) ((now - first) / windowNanos);
        while (windows.size() <= w) {
            windows.add(0L);
        }
        windows.set(w, windows.get(w) + bytes);
    }

    /** Bytes per window, from the first byte's window to the last byte's (empty windows between them included). */
    public synchronized List<Long> windows() {
        return List.copyOf(windows);
    }

    /** {@link #windows()} without the last one, which the transfer's end cut short. */
    public synchronized List<Long> fullWindows() {
        return windows.isEmpty() ? List.of() : List.copyOf(windows.subList(0, windows.size() - 1));
    }

    /** The window length. */
    public Duration window() {
        return Duration.ofNanos(windowNanos);
    }
}
