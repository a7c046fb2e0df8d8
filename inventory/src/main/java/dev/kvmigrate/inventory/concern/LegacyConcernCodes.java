package dev.kvmigrate.inventory.concern;

import dev.kvmigrate.inventory.model.Concern;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The concern codes older inventory formats wrote, and what each is now: the one table of renamed and dropped codes.
 * Reading an old inventory passes every concern through {@link #fromV1alpha1}.
 */
public final class LegacyConcernCodes {
    /** v1alpha1 code → the code that carries the same fact now. */
    private static final Map<String, ConcernCode> RENAMED_V1ALPHA1 = Map.of(
            "SECURE_BOOT_NVRAM_NOT_CARRIED", ConcernCode.NVRAM_NOT_CARRIED,
            "HOSTDEV_PCI", ConcernCode.HOSTDEV_UNMAPPED,
            "HOSTDEV_MDEV", ConcernCode.HOSTDEV_UNMAPPED,
            "DISK_NETWORK_BACKED", ConcernCode.DISK_SOURCE_UNREADABLE,
            "DISK_SIZE_INVALID", ConcernCode.DISK_SIZE_UNKNOWN);

    /**
     * v1alpha1 codes of facts about the target that the converter now decides and always reports itself (under the
     * code in the comment): dropped on reading, so that the fact is not told twice.
     */
    private static final Set<String> DROPPED_V1ALPHA1 = Set.of(
            "GPU_MULTIPLE_RAMFB", // GPU_RAMFB_DROPPED
            "HOSTDEV_SCSI", // HOSTDEV_DROPPED
            "MACHINE_I440FX", // MACHINE_CHANGED
            "SECURE_BOOT", // SECURE_BOOT_DROPPED when SMM is off; nothing to say otherwise
            "TPM_WINDOWS_REQUIRED", // TPM_ADDED
            "WATCHDOG", // WATCHDOG_DROPPED
            "HUGEPAGES", // HUGEPAGES or HUGEPAGES_DROPPED
            "DISK_BUS_REMAPPED", // DISK_BUS_CHANGED
            "DISK_LUN", // DISK_LUN, now the converter's
            "NIC_MODEL_UNSUPPORTED", // NIC_MODEL_CHANGED
            "NAME_INVALID"); // NAME_CHANGED

    /** v1alpha1's USB_DEVICE was both "USB enabled" (field {@code usb}) and a passed-through USB host device. */
    private static final String USB_DEVICE = "USB_DEVICE";

    private LegacyConcernCodes() {}

    /**
     * A concern as a v1alpha1 inventory wrote it, as this version's scan would raise it: renamed, with the severity
     * of the {@linkplain ConcernCode one severity rule} for the scan, or empty when the converter now reports the
     * fact. A code this version does not know is kept as it is.
     */
    public static Optional<Concern> fromV1alpha1(Concern old) {
        Optional<ConcernCode> code;
        if (old.code().equals(USB_DEVICE)) {
            // A USB host device is dropped by the converter (HOSTDEV_DROPPED), which says so itself.
            code = old.field().filter(f -> f.startsWith("hostDevices")).isPresent() ? Optional.empty()
                    : Optional.of(ConcernCode.USB_REDIRECTION);
        } else if (DROPPED_V1ALPHA1.contains(old.code())) {
            code = Optional.empty();
        } else if (RENAMED_V1ALPHA1.containsKey(old.code())) {
            code = Optional.of(RENAMED_V1ALPHA1.get(old.code()));
        } else {
            Optional<ConcernCode> same = ConcernCode.named(old.code());
            if (same.isEmpty()) {
                return Optional.of(old);
            }
            code = same;
        }
        return code.map(c -> new Concern(c.severityAt(Stage.SCAN), c.name(), old.message(), old.field()));
    }
}
