package dev.kvmigrate.inventory.libvirt;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.PowerControl;
import dev.kvmigrate.inventory.model.PowerState;
import java.time.Duration;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;

/** Power state and graceful shutdown of libvirt domains, over a read-write connection. */
public final class LibvirtPower implements PowerControl {
    private static final long POLL_MS = 200;
    private final String uri;
    private final Connect conn;

    private LibvirtPower(String uri, Connect conn) {
        this.uri = uri;
        this.conn = conn;
    }

    public static LibvirtPower open(String uri) {
        try {
            return new LibvirtPower(uri, new Connect(uri, false));
        } catch (LibvirtException e) {
            throw KvMigrateException.sourceUnreachable("cannot connect read-write to libvirt at " + uri + ": "
                    + e.getMessage() + "; shutting VMs down needs a read-write connection (group libvirt, or"
                    + " qemu+ssh://root@host/system)", e);
        } catch (LinkageError e) {
            throw KvMigrateException.sourceUnreachable("cannot load libvirt's native library for " + uri
                    + "; install the libvirt0 package", e);
        }
    }

    @Override
    public PowerState state(String vmName) {
        try {
            return map(domain(vmName).getInfo().state);
        } catch (LibvirtException e) {
            throw KvMigrateException.sourceUnreachable("VM " + vmName + ": cannot read its state from " + uri + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void shutdown(String vmName, Duration timeout) {
        stop(vmName, timeout, false);
    }

    @Override
    public void powerOff(String vmName, Duration timeout) {
        stop(vmName, timeout, true);
    }

    @Override
    public void powerOn(String vmName, Duration timeout) {
        try {
            Domain d = domain(vmName);
            PowerState now = map(d.getInfo().state);
            if (now == PowerState.RUNNING) {
                return;
            }
            if (now == PowerState.PAUSED) {
                d.resume();
            } else {
                d.create();
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (map(d.getInfo().state) != PowerState.RUNNING) {
                if (System.nanoTime() > deadline) {
                    throw KvMigrateException.sourceUnreachable("VM " + vmName + " is not running on " + uri + " "
                            + timeout.toSeconds() + " s after it was started; start it by hand (`virsh start "
                            + vmName + "`)", null);
                }
                Thread.sleep(POLL_MS);
            }
        } catch (LibvirtException e) {
            throw KvMigrateException.sourceUnreachable("VM " + vmName + ": start through " + uri + " failed: "
                    + e.getMessage() + "; start it by hand (`virsh start " + vmName + "`)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvMigrateException(ExitCode.INTERRUPTED, "interrupted while VM " + vmName + " starts", e);
        }
    }

    /**
     * An ACPI shutdown request ({@code virDomainShutdown}, which a guest without an OS — QEMU sitting in its
     * firmware — never honours) or an immediate power-off ({@code virDomainDestroy}), then polling until it is off.
     */
    private void stop(String vmName, Duration timeout, boolean destroy) {
        try {
            Domain d = domain(vmName);
            if (map(d.getInfo().state) == PowerState.SHUTOFF) {
                return;
            }
            if (destroy) {
                d.destroy();
            } else {
                d.shutdown();
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (map(d.getInfo().state) != PowerState.SHUTOFF) {
                if (System.nanoTime() > deadline) {
                    throw KvMigrateException.sourceUnreachable("VM " + vmName + " is still running on " + uri + " "
                            + timeout.toSeconds() + " s after " + (destroy ? "a power-off" : "a graceful shutdown"
                                    + " request (a guest without ACPI support, or one sitting in its firmware, never"
                                    + " honours it)") + "; nothing of it was copied. Shut it down in the guest, raise"
                            + " options.runningVm.timeout, or set options.runningVm.policy: destroy to power it off"
                            + " without asking (its owner must agree), then `kv-migrate plan run --resume`", null);
                }
                Thread.sleep(POLL_MS);
            }
        } catch (LibvirtException e) {
            throw KvMigrateException.sourceUnreachable("VM " + vmName + ": " + (destroy ? "power-off" : "shutdown")
                    + " through " + uri + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvMigrateException(ExitCode.INTERRUPTED, "interrupted while VM " + vmName + " shuts down", e);
        }
    }

    private Domain domain(String vmName) throws LibvirtException {
        try {
            return conn.domainLookupByName(vmName);
        } catch (LibvirtException e) {
            throw KvMigrateException.invalidInput("VM " + vmName + " is not on " + uri + " any more ("
                    + e.getMessage() + "); check the plan's VM selection", e);
        }
    }

    static PowerState map(DomainInfo.DomainState s) {
        return switch (s) {
            case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED -> PowerState.RUNNING;
            case VIR_DOMAIN_PAUSED -> PowerState.PAUSED;
            case VIR_DOMAIN_SHUTOFF -> PowerState.SHUTOFF;
            case VIR_DOMAIN_CRASHED -> PowerState.CRASHED;
            case VIR_DOMAIN_PMSUSPENDED -> PowerState.SUSPENDED;
            default -> PowerState.RUNNING;
        };
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (LibvirtException ignored) {
            // closing a connection that failed: nothing left to do
        }
    }
}
