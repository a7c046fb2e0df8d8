package dev.kvmigrate.plans.report;

import dev.kvmigrate.plans.run.StepState;
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
 * @param state how its import ended (or how far it got), when the journal has it
 * @param startedAt ISO-8601 start of its last transfer, when it was sent in this run
 * @param finishedAt ISO-8601 end of that transfer, when it ended (succeeded or failed)
 */
public record DiskReport(String name, long virtualBytes, long wireBytes, Optional<String> digest, double seconds,
        Optional<StepState> state, Optional<String> startedAt, Optional<String> finishedAt) {
    public DiskReport {
        Objects.requireNonNull(name, "name");
        digest = Objects.requireNonNullElse(digest, Optional.empty());
        state = Objects.requireNonNullElse(state, Optional.empty());
        startedAt = Objects.requireNonNullElse(startedAt, Optional.empty());
        finishedAt = Objects.requireNonNullElse(finishedAt, Optional.empty());
    }

    /** A disk nothing was sent for (yet): a dry run, a VM not run, a disk the journal does not mention. */
    public static DiskReport notSent(String name, long virtualBytes) {
        return new DiskReport(name, virtualBytes, 0, Optional.empty(), 0, Optional.empty(), Optional.empty(),
                Optional.empty());
    }
}
