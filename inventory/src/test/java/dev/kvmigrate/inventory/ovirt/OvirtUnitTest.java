package dev.kvmigrate.inventory.ovirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
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
    void secretNeverPrints(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pw");
        Files.writeString(f, "hunter2-xyz\n");
        Secret s = Secret.fromFile(f);
        assertThat(String.valueOf(s.reveal())).isEqualTo("hunter2-xyz");
        OvirtSettings settings = OvirtSettings.of(URI.create("https://engine.example/ovirt-engine/api"),
                "admin@internal", s, Optional.empty(), false, Optional.empty());
        assertThat(s.toString()).doesNotContain("hunter2");
        assertThat(settings.toString()).doesNotContain("hunter2");
        assertThat(settings.engineRoot().toString()).isEqualTo("https://engine.example/ovirt-engine/");
    }

    @Test
    void emptyPasswordFileIsRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pw");
        Files.writeString(f, "\n");
        assertThatThrownBy(() -> Secret.fromFile(f)).isInstanceOfSatisfying(KvMigrateException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT));
    }

    @Test
    void settingsRejectWhatCannotWork() {
        Secret pw = Secret.of("x".toCharArray());
        assertThatThrownBy(() -> OvirtSettings.of(URI.create("ftp://e/ovirt-engine/api"), "a@internal", pw,
                Optional.empty(), false, Optional.empty())).hasMessageContaining("https://ENGINE/ovirt-engine/api");
        assertThatThrownBy(() -> OvirtSettings.of(URI.create("https://e/ovirt-engine"), "a@internal", pw,
                Optional.empty(), false, Optional.empty())).hasMessageContaining("/ovirt-engine/api");
        assertThatThrownBy(() -> OvirtSettings.of(URI.create("https://e/ovirt-engine/api"), "a@internal", pw,
                Optional.of(Path.of("ca.pem")), true, Optional.empty())).hasMessageContaining("--insecure");
    }
}
