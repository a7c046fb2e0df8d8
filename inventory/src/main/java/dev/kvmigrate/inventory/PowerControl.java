package dev.kvmigrate.inventory;

import dev.kvmigrate.inventory.model.PowerState;
import java.time.Duration;

/**
 * Optional capability of a live source: read a VM's power state and shut it down gracefully. Offline sources
 * (XML dumps, OVA) have no such capability.
 */
public interface PowerControl extends AutoCloseable {
    PowerState state(String vmName);

    /**
     * Asks the guest to shut down (ACPI) and waits until it is off.
     *
     * @throws dev.kvmigrate.common.KvMigrateException naming the VM when it is still running after {@code timeout}
     */
    void shutdown(String vmName, Duration timeout);

    /**
     * Powers the VM off without asking the guest (libvirt {@code virDomainDestroy}, oVirt {@code stop}): for VMs
     * whose owners agreed to lose what the guest has not written; waits until it is off.
     *
     * @throws dev.kvmigrate.common.KvMigrateException naming the VM when it is not off after {@code timeout}
     */
    void powerOff(String vmName, Duration timeout);

    @Override
    void close();
}
