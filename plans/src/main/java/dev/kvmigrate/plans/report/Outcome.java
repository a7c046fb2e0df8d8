package dev.kvmigrate.plans.report;

/** How a VM (or the whole run) ended. */
public enum Outcome {
    SUCCEEDED,
    FAILED,
    SKIPPED,
    DRY_RUN,
    PENDING
}
