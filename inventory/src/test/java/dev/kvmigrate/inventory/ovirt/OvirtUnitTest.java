package dev.kvmigrate.inventory.ovirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.ovirt.EngineSettings;
import dev.kvmigrate.common.ovirt.Secret;
import dev.kvmigrate.inventory.model.PowerState;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OvirtUnitTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "nvidia-22|nvidia-22|true",
        "nodisplay,nvidia-22|nvidia-22|false",
        "nvidia-28,nvidia-10|nvidia-28 nvidia-10|true",
        "NODISPLAY , nvidia-28 ,nvidia-10,|nvidia-28 nvidia-10|false",
    })
    void mdevTypeProperty(String value, String types, boolean display) {
        List<OvirtGpus.VgpuRequest> r = OvirtGpus.parseMdevTypeProperty(value);
        assertThat(r).extracting(OvirtGpus.VgpuRequest::typeId).containsExactly(types.split(" "));
        assertThat(r).allMatch(v -> v.display() == display);
    }

    @Test
    void emptyOrDisplayOnlyPropertyMeansNoVgpu() {
        assertThat(OvirtGpus.parseMdevTypeProperty("")).isEmpty();
        assertThat(OvirtGpus.parseMdevTypeProperty("nodisplay")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"up,RUNNING", "down,SHUTOFF", "paused,PAUSED", "suspended,SUSPENDED", "migrating,RUNNING",
        "not_responding,UNKNOWN"})
    void status(String status, PowerState state) {
        assertThat(OvirtVmMapper.powerState(status)).isEqualTo(state);
    }

    @Test
    void pciNames() {
        assertThat(OvirtGpus.pciAddress("pci_0000_3B_00_0")).contains("0000:3b:00.0");
        assertThat(OvirtGpus.pciAddress("usb_1_2")).isEmpty();
    }

    @Test
    void scanSettingsNeverPrintThePassword(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pw");
        Files.writeString(f, "hunter2-xyz\n");
        OvirtSettings settings = OvirtSettings.of(URI.create("https://engine.example/ovirt-engine/api"),
                "admin@internal", Secret.fromFile(f), Optional.empty(), false, Optional.of("cluster=prod"));
        assertThat(settings.toString()).doesNotContain("hunter2").contains("cluster=prod");
        assertThat(settings.engine().engineRoot().toString()).isEqualTo("https://engine.example/ovirt-engine/");
        assertThat(settings.pageSize()).isEqualTo(OvirtSettings.DEFAULT_PAGE_SIZE);
    }

    @Test
    void scanSettingsRejectWhatCannotWork() {
        Secret pw = Secret.of("x".toCharArray());
        assertThatThrownBy(() -> OvirtSettings.of(URI.create("https://e/ovirt-engine"), "a@internal", pw,
                Optional.empty(), false, Optional.empty())).hasMessageContaining("/ovirt-engine/api");
        EngineSettings engine = EngineSettings.of(URI.create("https://e/ovirt-engine/api"), "a@internal", pw,
                Optional.empty(), false);
        assertThatThrownBy(() -> new OvirtSettings(engine, Optional.empty(), 0))
                .isInstanceOfSatisfying(KvMigrateException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
                .hasMessageContaining("1..1000");
        assertThat(OvirtSettings.of(engine, Optional.of("  ")).search()).isEmpty();
    }
}
