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
 * @param waitLimit how long to wait for the target to become ready and to finish processing
 */
public record TransferSettings(Compress compress, Checksum checksum, RateLimiter limiter, int retries,
        Duration backoff, Duration waitLimit) {
    public TransferSettings {
        Objects.requireNonNull(compress, "compress");
        Objects.requireNonNull(checksum, "checksum");
        Objects.requireNonNull(limiter, "limiter");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(waitLimit, "waitLimit");
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, got " + retries);
        }
    }

    /** Defaults: auto encoding, XXH3, no cap, 5 retries from 1 s, 10 minutes of waiting. */
    public static TransferSettings defaults() {
        return new TransferSettings(Compress.AUTO, Checksum.XXH3, RateLimiter.unlimited(), 5, Duration.ofSeconds(1),
                Duration.ofMinutes(10));
    }

    public TransferSettings withRetries(int n) {
        return new TransferSettings(compress, checksum, limiter, n, backoff, waitLimit);
    }

    public TransferSettings withBackoff(Duration d) {
        return new TransferSettings(compress, checksum, limiter, retries, d, waitLimit);
    }

    public TransferSettings withCompress(Compress c) {
        return new TransferSettings(c, checksum, limiter, retries, backoff, waitLimit);
    }

    public TransferSettings withChecksum(Checksum c) {
        return new TransferSettings(compress, c, limiter, retries, backoff, waitLimit);
    }

    public TransferSettings withLimiter(RateLimiter l) {
        return new TransferSettings(compress, checksum, l, retries, backoff, waitLimit);
    }

    public TransferSettings withWait(Duration d) {
        return new TransferSettings(compress, checksum, limiter, retries, backoff, d);
    }
}
