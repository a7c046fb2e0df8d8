package dev.kvmigrate.plans.run;

import dev.kvmigrate.converter.DiskTransfer;
import dev.kvmigrate.converter.Manifest;
import java.util.Objects;

/**
 * One disk of a VM to bring across, as the converter decided it, with the source VM it belongs to (journal entries
 * and reports are keyed by the source VM).
 *
 * @param vm the source VM name
 * @param transfer the DataVolume and where its bytes are
 */
public record DiskWork(String vm, DiskTransfer transfer) {
    public DiskWork {
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(transfer, "transfer");
    }

    /** The DataVolume's name (and the directory target's image name). */
    public String dataVolume() {
        return transfer.dataVolume();
    }

    public Manifest manifest() {
        return transfer.manifest();
    }

    public long virtualSize() {
        return transfer.virtualSize();
    }

    /** Whether kv-migrate moves this disk's bytes (blank and imageio-pulled volumes fill themselves). */
    public boolean needsImport() {
        return transfer.needsImport();
    }
}
