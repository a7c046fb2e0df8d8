package dev.kvmigrate.plans.run;

/** What happened to a pipeline step. */
public enum StepState {
    STARTED,
    PROGRESS,
    SUCCEEDED,
    FAILED,
    SKIPPED
}
