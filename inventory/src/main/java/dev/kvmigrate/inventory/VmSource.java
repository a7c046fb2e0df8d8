package dev.kvmigrate.inventory;

import dev.kvmigrate.inventory.model.Inventory;

/**
 * The role every source plays: list the VMs it holds, as the source-neutral model, with concerns.
 * Implementations are named after what they talk to ({@code LibvirtSource}, {@code OvirtSource}, …).
 * Opening a source (connecting, authenticating) happens in each implementation's factory; failures there
 * are {@link dev.kvmigrate.common.ExitCode#SOURCE_UNREACHABLE}.
 */
public interface VmSource extends AutoCloseable {
    /**
     * Scans the VMs the selector picks. A VM whose definition cannot be read fully is still returned, with a
     * concern naming what is missing; only a source-wide failure throws.
     */
    Inventory scan(VmSelector selector);

    /** Releases the connection; never throws. */
    @Override
    void close();
}
