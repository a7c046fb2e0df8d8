package dev.kvmigrate.common.ovirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineSettingsTest {
    private static final URI API = URI.create("https://engine.example/ovirt-engine/api");

    @Test
    void theSecretNeverPrints(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pw");
        Files.writeString(f, "hunter2-xyz\nsecond line\n");
        Secret s = Secret.fromFile(f);
        assertThat(String.valueOf(s.reveal())).isEqualTo("hunter2-xyz");
        EngineSettings settings = EngineSettings.of(API, "admin@internal", s, Optional.empty(), false);
        assertThat(s.toString()).doesNotContain("hunter2");
        assertThat(settings.toString()).doesNotContain("hunter2").contains("admin@internal");
        assertThat(settings.engineRoot()).isEqualTo(URI.create("https://engine.example/ovirt-engine/"));
        assertThat(EngineSettings.of(URI.create("https://e/ovirt-engine/api/"), "a@internal", s, Optional.empty(),
                false).engineRoot()).isEqualTo(URI.create("https://e/ovirt-engine/"));
    }

    @Test
    void anEmptyPasswordIsRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pw");
        Files.writeString(f, "\n");
        assertThatThrownBy(() -> Secret.fromFile(f)).isInstanceOfSatisfying(KvMigrateException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT));
        assertThatThrownBy(() -> Secret.of(new char[0])).isInstanceOf(KvMigrateException.class);
        assertThat(Secret.fromEnvironment("KV_MIGRATE_SURELY_UNSET_" + System.nanoTime())).isEmpty();
    }

    @Test
    void settingsRejectWhatCannotWork() {
        Secret pw = Secret.of("x".toCharArray());
        assertThatThrownBy(() -> EngineSettings.of(URI.create("ftp://e/ovirt-engine/api"), "a@internal", pw,
                Optional.empty(), false)).hasMessageContaining("https://ENGINE/ovirt-engine/api");
        assertThatThrownBy(() -> EngineSettings.of(URI.create("https://e/ovirt-engine"), "a@internal", pw,
                Optional.empty(), false)).hasMessageContaining("/ovirt-engine/api");
        assertThatThrownBy(() -> EngineSettings.of(API, " ", pw, Optional.empty(), false))
                .hasMessageContaining("NAME@PROFILE");
        assertThatThrownBy(() -> EngineSettings.of(API, "a@internal", pw, Optional.of(Path.of("ca.pem")), true))
                .isInstanceOfSatisfying(KvMigrateException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
                .hasMessageContaining("--insecure");
    }
}
