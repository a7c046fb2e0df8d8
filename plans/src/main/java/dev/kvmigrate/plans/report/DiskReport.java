package dev.kvmigrate.plans.report;

import java.util.Objects;
import java.util.Optional;

/**
 * One imported disk.
 *
 * @param name the DataVolume / file it landed in
 * @param virtualBytes the disk's virtual size
 * @param wireBytes bytes actually sent (after sparse skipping and compression)
 * @param digest digest of the logical content ({@code xxh3-128:…}, {@code sha256:…}), when computed
 * @param seconds transfer time
 */
public record DiskReport(String name, long virtualBytes, long wireBytes, Optional<String> digest, double seconds) {
    public DiskReport {
        Objects.requireNonNull(name, "name");
        digest = Objects.requireNonNullElse(digest, Optional.empty());
    }
}
