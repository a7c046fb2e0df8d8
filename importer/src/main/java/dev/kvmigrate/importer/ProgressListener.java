package dev.kvmigrate.importer;

import java.time.Duration;

/**
 * Receives what an import does, as it happens. Called from transfer threads: implementations must be
 * thread-safe and quick. The importer never prints; the CLI renders these as bars, lines or JSON events.
 */
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {};

    /** The import of {@code disk} entered {@code phase}; {@code detail} says what it is doing, for people. */
    default void phase(String disk, Phase phase, String detail) {}

    /** Bytes moved so far. */
    default void progress(Progress progress) {}

    /** An attempt failed for {@code cause}; the next one (number {@code attempt}) starts after {@code delay}. */
    default void retry(String disk, int attempt, String cause, Duration delay) {}
}
