package dev.kvmigrate.plans.run;

import java.util.Map;
import java.util.Optional;

/** Appends state changes to the journal first, then tells the listener: what is shown has been recorded. */
final class Recorder {
    private final Journal journal;
    private final RunListener listener;

    Recorder(Journal journal, RunListener listener) {
        this.journal = journal;
        this.listener = listener;
    }

    void vm(String vm, String step, StepState state, Map<String, String> detail) {
        journal.append(Optional.of(vm), step, state, detail);
        if (state != StepState.PROGRESS) {
            listener.step(vm, step, state, describe(detail));
        }
    }

    void run(StepState state, Map<String, String> detail) {
        journal.append(Optional.empty(), Step.RUN, state, detail);
        listener.step("", Step.RUN, state, describe(detail));
    }

    RunListener listener() {
        return listener;
    }

    private static String describe(Map<String, String> detail) {
        if (detail.containsKey("error")) {
            return detail.get("error");
        }
        if (detail.containsKey("message")) {
            return detail.get("message");
        }
        return detail.getOrDefault("disk", "");
    }
}
