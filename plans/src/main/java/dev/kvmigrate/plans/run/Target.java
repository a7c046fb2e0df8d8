package dev.kvmigrate.plans.run;

import dev.kvmigrate.converter.Manifest;

/**
 * Where a plan's objects and disks land: a cluster or a directory. Optional abilities (starting VMs, counting
 * GPUs, running hook Jobs) are separate interfaces a target implements when it has them.
 */
public interface Target extends AutoCloseable {
    /** {@code dir:/abs/out}, {@code cluster prod/cad}. */
    String describe();

    /**
     * Makes sure the object exists: created when absent, left as it is when this plan made it before (same name,
     * owner labels {@code kv-migrate.dev/plan} and {@code kv-migrate.dev/vm}).
     *
     * @return whether it was created now
     * @throws dev.kvmigrate.common.KvMigrateException when an object of that name exists that the plan does not own
     */
    boolean ensure(Manifest object);

    /** Whether the object exists on the target (any owner). */
    boolean exists(Manifest object);

    /**
     * Removes what the plan made on this target for one VM (rollback): objects carrying the plan's and the VM's
     * owner labels, and its disks. Objects of other owners are left alone.
     *
     * @return what was removed, as {@code Kind/name}
     */
    java.util.List<String> removeVm(VmWork vm);

    /** Moves disk bytes into this target's volumes. */
    DiskImporter disks();

    @Override
    void close();
}
