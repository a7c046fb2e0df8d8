package dev.kvmigrate.inventory.concern;

/**
 * The stage of kv-migrate that decides a {@link ConcernCode}: the first one that knows enough to say whether the
 * fact blocks, changes or merely informs. Stages run in declaration order.
 */
public enum Stage {
    /** {@code inventory scan}: what the source says, decided from the source alone. */
    SCAN,
    /** {@code convert}: what the target needs or loses, decided with the mappings in hand. */
    CONVERT,
    /** {@code validate}: checks on the Kubernetes objects (schema, permitted device names, references…). */
    VALIDATE,
    /** {@code plan validate}: checks on a whole plan (what its mappings leave to defaults, hooks, targets). */
    PLAN;

    /** Whether this stage runs before {@code other}. */
    public boolean isBefore(Stage other) {
        return compareTo(other) < 0;
    }
}
