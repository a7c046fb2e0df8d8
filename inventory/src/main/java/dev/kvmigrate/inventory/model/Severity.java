package dev.kvmigrate.inventory.model;

/** How much a concern matters. */
public enum Severity {
    /** Migration cannot go ahead until this is fixed or mapped. */
    BLOCKER,
    /** Migration goes ahead, but something changes or is lost. */
    WARNING,
    /** Worth knowing; nothing is lost. */
    INFO
}
