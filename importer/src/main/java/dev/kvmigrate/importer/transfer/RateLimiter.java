package dev.kvmigrate.importer.transfer;

import java.io.InterruptedIOException;
import java.util.function.LongSupplier;

/**
 * A token bucket shared by every transfer of a run, so {@code --limit-rate} caps the sum of parallel streams.
 * Tokens are bytes; the bucket holds at most a quarter second of rate, so bursts stay short, and starts empty when
 * the first bytes are asked for, not when it is made: a plan makes it before it scans, converts and creates volumes,
 * and a bucket filled meanwhile put the first 5 s of a capped run 5-7 % over the cap (bench/fleet's windows).
 */
public final class RateLimiter {
    private static final RateLimiter UNLIMITED = new RateLimiter(0, System::nanoTime, RateLimiter::sleep);

    /** Sleeps {@code nanos}; a seam for tests. */
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final long bytesPerSecond;
    private final long capacity;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private double tokens;
    private long lastNanos;
    private boolean started;

    RateLimiter(long bytesPerSecond, LongSupplier clock, Sleeper sleeper) {
        this.bytesPerSecond = bytesPerSecond;
        this.capacity = Math.max(64 * 1024, bytesPerSecond / 4);
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** A bucket refilling at {@code bytesPerSecond}; must be positive. */
    public static RateLimiter of(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("rate limit must be positive, got " + bytesPerSecond);
        }
        return new RateLimiter(bytesPerSecond, System::nanoTime, RateLimiter::sleep);
    }

    /** No limit. */
    public static RateLimiter unlimited() {
        return UNLIMITED;
    }

    /** The cap in bytes per second; 0 when unlimited. */
    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    public boolean isLimited() {
        return bytesPerSecond > 0;
    }

    /** Takes {@code bytes} tokens, sleeping until the bucket allows them. */
    public void acquire(long bytes) throws InterruptedIOException {
        if (bytesPerSecond <= 0) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            long now = clock.getAsLong();
            if (!started) {
                started = true;
                lastNanos = now;
            }
            tokens = Math.min(capacity, tokens + (now - lastNanos) * (double) bytesPerSecond / 1e9);
            lastNanos = now;
            tokens -= bytes;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens * 1e9 / bytesPerSecond);
        }
        if (waitNanos > 0) {
            try {
                sleeper.sleep(waitNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while rate limiting");
            }
        }
    }

    private static void sleep(long nanos) throws InterruptedException {
        Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }
}
