package dev.kvmigrate.inventory.concern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Severity;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one severity rule and the table of older codes. */
class ConcernCodeTest {
    @Test
    void aCodeHasItsSeverityAtItsStageAndAtMostAWarningBefore() {
        assertThat(ConcernCode.GPU_TYPE_NAME_UNKNOWN.severityAt(Stage.CONVERT)).isEqualTo(Severity.BLOCKER);
        assertThat(ConcernCode.GPU_TYPE_NAME_UNKNOWN.severityAt(Stage.SCAN)).isEqualTo(Severity.WARNING);
        assertThat(ConcernCode.GPU_TYPE_NAME_UNKNOWN.severityAt(Stage.PLAN)).isEqualTo(Severity.BLOCKER);
        assertThat(ConcernCode.NETWORK_POD_DEFAULT.severityAt(Stage.SCAN)).isEqualTo(Severity.INFO);
        assertThat(ConcernCode.ARCH_UNSUPPORTED.severityAt(Stage.SCAN)).isEqualTo(Severity.BLOCKER);
        Concern early = ConcernCode.DISK_SIZE_UNKNOWN.warningAt("disks[0]", "VM a: disk vda has no size");
        assertThat(early.severity()).isEqualTo(Severity.WARNING);
        assertThat(early.code()).isEqualTo("DISK_SIZE_UNKNOWN");
        assertThat(ConcernCode.DISK_SIZE_UNKNOWN.at("disks[0]", "m").severity()).isEqualTo(Severity.BLOCKER);
    }

    @Test
    void theScanCannotRaiseItsOwnCodesAhead() {
        assertThatThrownBy(() -> ConcernCode.VM_RUNNING.warningAt("powerState", "m"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("VM_RUNNING");
    }

    @Test
    void everyStageDecidesSomeCodesAndNamesAreUnique() {
        for (Stage stage : Stage.values()) {
            assertThat(ConcernCode.decidedBy(stage)).as(stage.name()).isNotEmpty();
        }
        assertThat(ConcernCode.named("MAC_DUPLICATE")).contains(ConcernCode.MAC_DUPLICATE);
        assertThat(ConcernCode.named("mac-unique")).isEmpty();
    }

    @Test
    void olderCodesAreRenamedDroppedOrKept() {
        assertThat(legacy("SECURE_BOOT_NVRAM_NOT_CARRIED", Severity.WARNING, "firmware.nvram"))
                .contains(new Concern(Severity.WARNING, "NVRAM_NOT_CARRIED", "m", Optional.of("firmware.nvram")));
        assertThat(legacy("DISK_SIZE_INVALID", Severity.BLOCKER, "disks[0].virtualSize")).map(Concern::code)
                .contains("DISK_SIZE_UNKNOWN");
        assertThat(legacy("MACHINE_I440FX", Severity.WARNING, "firmware.machineType")).isEmpty();
        assertThat(legacy("USB_DEVICE", Severity.WARNING, "hostDevices[0]")).isEmpty();
        assertThat(legacy("USB_DEVICE", Severity.WARNING, "usb")).map(Concern::code).contains("USB_REDIRECTION");
        assertThat(legacy("GPU_PRODUCT_UNKNOWN", Severity.BLOCKER, "gpus[0]")).map(Concern::severity)
                .contains(Severity.WARNING);
        assertThat(legacy("SOMETHING_NEWER", Severity.INFO, "x")).map(Concern::code).contains("SOMETHING_NEWER");
    }

    @Test
    void everyDroppedOrRenamedOldCodeIsGoneFromTheScan() {
        // The old codes that are not codes any more must all be mapped: none of them reads back unchanged.
        for (String old : new String[] {"GPU_MULTIPLE_RAMFB", "HOSTDEV_PCI", "HOSTDEV_MDEV", "HOSTDEV_SCSI",
                "USB_DEVICE", "MACHINE_I440FX", "SECURE_BOOT_NVRAM_NOT_CARRIED", "SECURE_BOOT",
                "TPM_WINDOWS_REQUIRED", "WATCHDOG", "DISK_BUS_REMAPPED", "DISK_NETWORK_BACKED", "DISK_SIZE_INVALID",
                "NIC_MODEL_UNSUPPORTED", "NAME_INVALID"}) {
            assertThat(ConcernCode.named(old)).as(old).isEmpty();
            assertThat(legacy(old, Severity.WARNING, "f").map(Concern::code)).as(old).isNotEqualTo(Optional.of(old));
        }
    }

    private static Optional<Concern> legacy(String code, Severity severity, String field) {
        return LegacyConcernCodes.fromV1alpha1(new Concern(severity, code, "m", Optional.of(field)));
    }
}
