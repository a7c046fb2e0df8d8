package dev.kvmigrate.plans.run;

import java.time.Duration;

/** A target that can run VMs: sets {@code runStrategy: Always} and waits for the VMI to be Running. */
public interface VmStarter {
    /**
     * @throws dev.kvmigrate.common.KvMigrateException naming the VM when it is not Running after {@code timeout}
     */
    void start(String namespace, String vmName, Duration timeout);
}
