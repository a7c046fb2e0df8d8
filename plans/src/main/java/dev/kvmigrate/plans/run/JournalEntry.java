package dev.kvmigrate.plans.run;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One state change of a plan run, as one line of the journal.
 *
 * @param seq 1-based position in the journal, assigned on append
 * @param time ISO-8601 instant of the change
 * @param vm the VM it concerns; empty for run-wide events
 * @param step the pipeline step ({@code validate}, {@code import-disk}, …)
 * @param state what happened to the step
 * @param detail step-specific facts: disk name, bytes, digest, object name, error message
 */
public record JournalEntry(long seq, String time, Optional<String> vm, String step, StepState state,
        Map<String, String> detail) {
    public JournalEntry {
        Objects.requireNonNull(time, "time");
        vm = Objects.requireNonNullElse(vm, Optional.empty());
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(state, "state");
        detail = Map.copyOf(new TreeMap<>(Objects.requireNonNullElse(detail, Map.of())));
    }

    /** The value of a detail key, if set. */
    public Optional<String> detail(String key) {
        return Optional.ofNullable(detail.get(key));
    }
}
