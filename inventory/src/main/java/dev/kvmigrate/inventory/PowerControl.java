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

    /**
     * Starts a shut-off VM (libvirt {@code virDomainCreate} on the defined domain, oVirt {@code start}) and waits
     * until it runs; does nothing when it already runs. Used to put a source back the way the plan found it.
     *
     * @throws dev.kvmigrate.common.KvMigrateException naming the VM when it cannot be started or is not running
     *     after {@code timeout}
     */
    void powerOn(String vmName, Duration timeout);

    @Override
    void close();
}
