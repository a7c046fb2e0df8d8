package dev.kvmigrate.importer.standin;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Faults the stand-in's upload proxy injects; each is consumed as it fires. Thread-safe. */
public final class Faults {
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger serverErrors = new AtomicInteger();
    private final AtomicLong cutAfter = new AtomicLong(-1);
    private final AtomicInteger expireTokens = new AtomicInteger();
    private volatile long slowBytesPerSecond;

    /** Answer the next {@code n} uploads 503 (busy), as CDI does while the upload pod is not serving. */
    public Faults unavailable(int n) {
        unavailable.set(n);
        return this;
    }

    /** Answer the next {@code n} uploads 500 after reading the body (a write failure on the volume). */
    public Faults serverError(int n) {
        serverErrors.set(n);
        return this;
    }

    /** Close the connection of the next upload abruptly after {@code bytes} body bytes. */
    public Faults cutAfter(long bytes) {
        cutAfter.set(bytes);
        return this;
    }

    /** Treat the tokens of the next {@code n} uploads as expired (401). */
    public Faults expireTokens(int n) {
        expireTokens.set(n);
        return this;
    }

    /** Read upload bodies at most this fast; 0 = full speed. */
    public Faults readSlowly(long bytesPerSecond) {
        slowBytesPerSecond = bytesPerSecond;
        return this;
    }

    boolean takeUnavailable() {
        return unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    boolean takeServerError() {
        return serverErrors.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    boolean takeExpiredToken() {
        return expireTokens.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    /** Bytes after which to cut this upload, or -1. */
    long takeCut() {
        return cutAfter.getAndSet(-1);
    }

    long slowBytesPerSecond() {
        return slowBytesPerSecond;
    }
}
