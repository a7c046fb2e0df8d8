package dev.kvmigrate.plans.run;

import java.time.Duration;

/** A target that can run VMs: sets {@code runStrategy: Always} and waits for the VMI to be Running. */
public interface VmStarter {
    /**
     * @param namespace the VM's own namespace; absent: the target's
     * @throws dev.kvmigrate.common.KvMigrateException naming the VM when it is not Running after {@code timeout}
     */
    void start(java.util.Optional<String> namespace, String vmName, Duration timeout);
}
