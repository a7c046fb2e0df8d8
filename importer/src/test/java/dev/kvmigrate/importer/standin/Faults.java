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
    private final AtomicInteger stallAfterHeaders = new AtomicInteger();
    private final AtomicInteger neverAnswer = new AtomicInteger();
    private final AtomicInteger trickleAnswer = new AtomicInteger();
    private final AtomicInteger conflicts = new AtomicInteger();
    private final AtomicInteger hugeErrors = new AtomicInteger();
    private volatile long hugeErrorBytes;
    private final AtomicLong errorBodyBytesSent = new AtomicLong();

    /**
     * The next {@code n} uploads stall right after their request headers: the proxy reads no byte of the body and
     * never answers, until the client gives up (or 30 s pass).
     */
    public Faults stallAfterHeaders(int n) {
        stallAfterHeaders.set(n);
        return this;
    }

    /** The next {@code n} uploads are read to their end, then never answered (until the client gives up). */
    public Faults neverAnswer(int n) {
        neverAnswer.set(n);
        return this;
    }

    /**
     * The next {@code n} uploads are read to their end, then answered 503 with a 1 MiB body that trickles out a
     * byte every 50 ms: bytes keep moving, the answer never ends in any useful time.
     */
    public Faults trickleAnswer(int n) {
        trickleAnswer.set(n);
        return this;
    }

    /** The next {@code n} uploads are answered 409 (already uploaded) whatever the volume's state. */
    public Faults conflict(int n) {
        conflicts.set(n);
        return this;
    }

    /** The next {@code n} uploads are answered 500 with an error body of {@code bytes} (chunked), sent flat out. */
    public Faults hugeErrorBody(int n, long bytes) {
        hugeErrorBytes = bytes;
        hugeErrors.set(n);
        return this;
    }

    /** Bytes of huge error bodies the proxy managed to write before the client hung up. */
    public long errorBodyBytesSent() {
        return errorBodyBytesSent.get();
    }

    boolean takeStallAfterHeaders() {
        return stallAfterHeaders.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    boolean takeNeverAnswer() {
        return neverAnswer.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    boolean takeTrickleAnswer() {
        return trickleAnswer.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    boolean takeConflict() {
        return conflicts.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    /** Bytes of the huge error body to send for this upload, or 0. */
    long takeHugeError() {
        return hugeErrors.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? hugeErrorBytes : 0;
    }

    void errorBodySent(long bytes) {
        errorBodyBytesSent.addAndGet(bytes);
    }

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
