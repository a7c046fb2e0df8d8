package dev.kvmigrate.plans.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What to do with a source VM that is still running when its turn comes. */
public enum RunningVmPolicy {
    /** Stop with an error naming the VM: shut it down yourself, then resume. */
    REFUSE,
    /** Ask the guest to shut down (ACPI) and wait up to the timeout; fail the VM if it is still running. */
    SHUTDOWN,
    /**
     * Power the VM off without asking the guest (libvirt destroy, oVirt stop): for VMs whose owners agreed to lose
     * what the guest has not written to disk, and guests that ignore ACPI.
     */
    DESTROY;

    @JsonValue
    public String yaml() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RunningVmPolicy of(String s) {
        for (RunningVmPolicy p : values()) {
            if (p.yaml().equals(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException("runningVm.policy '" + s + "' is not refuse, shutdown or destroy");
    }
}
