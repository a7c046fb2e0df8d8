package dev.kvmigrate.inventory.ovirt;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.ovirt.EngineStatusException;
import dev.kvmigrate.inventory.PowerControl;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Power state and graceful shutdown of oVirt VMs through the engine's REST API: a VM is found by name
 * ({@code GET vms?search=name="…"}), shut down with {@code POST vms/ID/shutdown} (the guest agent or ACPI, as the
 * engine does it) or powered off with {@code POST vms/ID/stop}, and polled by id until it is down. The engine user needs the permission to shut the VM down.
 */
public final class OvirtPower implements PowerControl {
    /** How often the VM's status is read while it shuts down. */
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(2);

    private final OvirtSettings settings;
    private final EngineClient client;
    private final Duration poll;

    private OvirtPower(OvirtSettings settings, EngineClient client, Duration poll) {
        this.settings = settings;
        this.client = client;
        this.poll = poll;
    }

    /** Connects and logs in; fails as {@link OvirtSource#open} does when the engine cannot be reached. */
    public static OvirtPower open(OvirtSettings settings) {
        return open(settings, DEFAULT_POLL);
    }

    /** As {@link #open(OvirtSettings)}, reading the status every {@code poll} while a VM shuts down. */
    public static OvirtPower open(OvirtSettings settings, Duration poll) {
        if (poll.isNegative() || poll.isZero()) {
            throw new IllegalArgumentException("poll interval " + poll + " is not positive");
        }
        EngineClient client = EngineClient.login(settings);
        return new OvirtPower(settings, client, poll);
    }

    @Override
    public PowerState state(String vmName) {
        return OvirtVmMapper.powerState(status(vm(vmName)));
    }

    @Override
    public void shutdown(String vmName, Duration timeout) {
        stop(vmName, timeout, "shutdown");
    }

    @Override
    public void powerOff(String vmName, Duration timeout) {
        stop(vmName, timeout, "stop");
    }

    /** {@code POST vms/ID/start} with an empty action, then polls until the engine reports it up. */
    @Override
    public void powerOn(String vmName, Duration timeout) {
        XmlNode vm = vm(vmName);
        String id = vm.attr("id").orElseThrow();
        if (OvirtVmMapper.powerState(status(vm)) == PowerState.RUNNING) {
            return;
        }
        try {
            client.post("vms/" + id + "/start", "<action/>");
        } catch (EngineStatusException e) {
            throw KvMigrateException.sourceUnreachable("VM " + vmName + ": start through " + settings.apiUrl()
                    + " failed: " + e.getMessage() + "; start it in the administration portal", e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String status = status(client.get("vms/" + id, Map.of()));
                if (OvirtVmMapper.powerState(status) == PowerState.RUNNING) {
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw KvMigrateException.sourceUnreachable("VM " + vmName + " is still " + status + " on "
                            + settings.apiUrl() + " " + timeout.toSeconds() + " s after it was started; check it"
                            + " in the administration portal", null);
                }
                Thread.sleep(Math.max(1, Math.min(poll.toMillis(), left / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvMigrateException(ExitCode.INTERRUPTED, "interrupted while VM " + vmName + " starts", e);
        }
    }

    /** {@code POST vms/ID/shutdown} (graceful) or {@code POST vms/ID/stop} (power off), then polls until down. */
    private void stop(String vmName, Duration timeout, String action) {
        XmlNode vm = vm(vmName);
        String id = vm.attr("id").orElseThrow();
        if (OvirtVmMapper.powerState(status(vm)) == PowerState.SHUTOFF) {
            return;
        }
        boolean graceful = action.equals("shutdown");
        try {
            client.post("vms/" + id + "/" + action, "<action/>");
        } catch (EngineStatusException e) {
            throw KvMigrateException.sourceUnreachable("VM " + vmName + ": " + (graceful ? "shutdown" : "power-off")
                    + " through " + settings.apiUrl() + " failed: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String status = status(client.get("vms/" + id, Map.of()));
                if (OvirtVmMapper.powerState(status) == PowerState.SHUTOFF) {
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw KvMigrateException.sourceUnreachable("VM " + vmName + " is still " + status + " on "
                            + settings.apiUrl() + " " + timeout.toSeconds() + " s after "
                            + (graceful ? "a graceful shutdown request" : "a power-off") + "; nothing of it was"
                            + " copied. Shut it down by hand (administration portal or in the guest), raise"
                            + " options.runningVm.timeout, or set options.runningVm.policy: destroy to power it off"
                            + " without asking (its owner must agree), then `kv-migrate plan run --resume`", null);
                }
                Thread.sleep(Math.max(1, Math.min(poll.toMillis(), left / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvMigrateException(ExitCode.INTERRUPTED, "interrupted while VM " + vmName + " shuts down", e);
        }
    }

    /** The one {@code <vm>} named {@code vmName}: the search is narrowed to exact names (it matches patterns). */
    private XmlNode vm(String vmName) {
        List<XmlNode> vms = client.get("vms", Map.of("search", "name=" + quote(vmName))).children("vm").stream()
                .filter(v -> v.text("name").orElse("").equals(vmName))
                .toList();
        if (vms.isEmpty()) {
            throw KvMigrateException.invalidInput("VM " + vmName + " is not on " + settings.apiUrl()
                    + " any more; check the plan's VM selection");
        }
        if (vms.size() > 1) {
            throw KvMigrateException.invalidInput("VM name " + vmName + " matches " + vms.size() + " VMs on "
                    + settings.apiUrl() + " (ids " + vms.stream().map(v -> v.attr("id").orElse("?"))
                    .collect(Collectors.joining(", ")) + "); rename all but one in the engine so that the name"
                    + " is unique");
        }
        if (vms.get(0).attr("id").isEmpty()) {
            throw KvMigrateException.sourceUnreachable("engine " + settings.apiUrl() + " answered VM " + vmName
                    + " without an id; check the engine version (4.x API expected)", null);
        }
        return vms.get(0);
    }

    private static String status(XmlNode vm) {
        return vm.text("status").orElse("");
    }

    /** A search value in double quotes, so that spaces and search keywords stay part of the name. */
    static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "oVirt power control at " + settings.apiUrl();
    }
}
