package dev.kvmigrate.importer.transfer;

import java.io.InterruptedIOException;

/**
 * A token bucket shared by every transfer of a run, so {@code --limit-rate} caps the sum of parallel streams.
 * Tokens are bytes; the bucket holds at most a quarter second of rate, so bursts stay short.
 */
public final class RateLimiter {
    private static final RateLimiter UNLIMITED = new RateLimiter(0);

    private final long bytesPerSecond;
    private final long capacity;
    private double tokens;
    private long lastNanos = System.nanoTime();

    private RateLimiter(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.capacity = Math.max(64 * 1024, bytesPerSecond / 4);
        this.tokens = capacity;
    }

    /** A bucket refilling at {@code bytesPerSecond}; must be positive. */
    public static RateLimiter of(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("rate limit must be positive, got " + bytesPerSecond);
        }
        return new RateLimiter(bytesPerSecond);
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
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - lastNanos) * (double) bytesPerSecond / 1e9);
            lastNanos = now;
            tokens -= bytes;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens * 1e9 / bytesPerSecond);
        }
        if (waitNanos > 0) {
            try {
                Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while rate limiting");
            }
        }
    }
}
