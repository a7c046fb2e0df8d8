package dev.kvmigrate.importer;

import dev.kvmigrate.importer.transfer.Checksum;
import dev.kvmigrate.importer.transfer.Compress;
import dev.kvmigrate.importer.transfer.RateLimiter;
import java.time.Duration;
import java.util.Objects;

/**
 * How to move bytes, whatever the sink.
 *
 * @param compress wire encoding choice for raw images
 * @param checksum digest algorithm
 * @param limiter bandwidth cap shared by parallel transfers
 * @param retries attempts after the first one for transient failures (503, 500, connection loss, expired token)
 * @param backoff first retry delay; doubles per attempt, with jitter, capped at 30 s
 * @param waitLimit how long to wait for the target to become ready, for the upload proxy's answer once the
 *     whole body is sent, and, in all, for attempts that stalled
 * @param stallTimeout how long an upload attempt may move no byte (the proxy reads nothing, or its answer stops
 *     coming) before it fails as stalled and is retried
 */
public record TransferSettings(Compress compress, Checksum checksum, RateLimiter limiter, int retries,
        Duration backoff, Duration waitLimit, Duration stallTimeout) {
    /** Default {@link #stallTimeout()}: a minute without a byte moving. */
    public static final Duration DEFAULT_STALL = Duration.ofSeconds(60);

    public TransferSettings {
        Objects.requireNonNull(compress, "compress");
        Objects.requireNonNull(checksum, "checksum");
        Objects.requireNonNull(limiter, "limiter");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(waitLimit, "waitLimit");
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stallTimeout must be positive, got " + stallTimeout);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, got " + retries);
        }
    }

    /** Defaults: auto encoding, XXH3, no cap, 5 retries from 1 s, 10 minutes of waiting, stalled after 60 s. */
    public static TransferSettings defaults() {
        return new TransferSettings(Compress.AUTO, Checksum.XXH3, RateLimiter.unlimited(), 5, Duration.ofSeconds(1),
                Duration.ofMinutes(10), DEFAULT_STALL);
    }

    public TransferSettings withRetries(int n) {
        return new TransferSettings(compress, checksum, limiter, n, backoff, waitLimit, stallTimeout);
    }

    public TransferSettings withBackoff(Duration d) {
        return new TransferSettings(compress, checksum, limiter, retries, d, waitLimit, stallTimeout);
    }

    public TransferSettings withCompress(Compress c) {
        return new TransferSettings(c, checksum, limiter, retries, backoff, waitLimit, stallTimeout);
    }

    public TransferSettings withChecksum(Checksum c) {
        return new TransferSettings(compress, c, limiter, retries, backoff, waitLimit, stallTimeout);
    }

    public TransferSettings withLimiter(RateLimiter l) {
        return new TransferSettings(compress, checksum, l, retries, backoff, waitLimit, stallTimeout);
    }

    public TransferSettings withWait(Duration d) {
        return new TransferSettings(compress, checksum, limiter, retries, backoff, d, stallTimeout);
    }

    public TransferSettings withStallTimeout(Duration d) {
        return new TransferSettings(compress, checksum, limiter, retries, backoff, waitLimit, d);
    }
}
