package dev.kvmigrate.plans.report;

import dev.kvmigrate.plans.run.StepState;
import java.util.Objects;
import java.util.Optional;

/** One pipeline step of a VM: its final state, duration and message (an error, or what it created). */
public record StepReport(String name, StepState state, double seconds, Optional<String> message) {
    public StepReport {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        if (seconds < 0) {
            throw new IllegalArgumentException("step " + name + ": duration " + seconds + " s is negative");
        }
        message = Objects.requireNonNullElse(message, Optional.empty());
    }
}
