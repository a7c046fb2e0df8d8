package dev.kvmigrate.converter.mapping;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * KubeVirt's {@code spec.template.spec.evictionStrategy}: what a node drain does with the VM. The mappings'
 * {@code evictionStrategy} sets it for VMs that cannot live-migrate (GPUs, host devices).
 */
public enum EvictionStrategy {
    /** The VM is not evicted: a drain waits until it is stopped or moved by hand. */
    NONE("None"),
    /** The VM is live-migrated; a VM that cannot migrate blocks the drain. */
    LIVE_MIGRATE("LiveMigrate"),
    /** Live-migrated when it can be, otherwise shut down. */
    LIVE_MIGRATE_IF_POSSIBLE("LiveMigrateIfPossible"),
    /** An external controller handles the eviction. */
    EXTERNAL("External");

    private final String value;

    EvictionStrategy(String value) {
        this.value = value;
    }

    /** KubeVirt's spelling. */
    @JsonValue
    public String value() {
        return value;
    }
}
