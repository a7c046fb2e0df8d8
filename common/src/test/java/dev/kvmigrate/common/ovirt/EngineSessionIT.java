package dev.kvmigrate.common.ovirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.testing.ovirt.OvirtStandIn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one engine session against the oVirt stand-in: lazy login, token renewal, errors, TLS trust. */
class EngineSessionIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static EngineSettings settings(OvirtStandIn engine, String password) {
        return EngineSettings.of(engine.apiUrl(), OvirtStandIn.USER, Secret.of(password.toCharArray()),
                engine.caFile(), false);
    }

    static String xml(java.io.InputStream in) throws java.io.IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void logsInOnTheFirstRequestOnlyAndRenewsAnExpiredTokenOnce() throws Exception {
        try (OvirtStandIn engine = OvirtStandIn.start(tmp);
                EngineSession session = EngineSession.open(settings(engine, OvirtStandIn.PASSWORD))) {
            assertThat(engine.requests()).isEmpty();
            assertThat(session.get("clusters", Map.of(), EngineSession.Format.XML, EngineSessionIT::xml))
                    .contains("<name>Default</name>");
            assertThat(session.get("vms", Map.of(), EngineSession.Format.XML, EngineSessionIT::xml)).contains("<vms");
            assertThat(engine.logins()).isEqualTo(1);
            assertThat(session.requestCount()).isEqualTo(3).isEqualTo(engine.requests().size());

            engine.expireTokensAfter(1);
            for (int i = 0; i < 3; i++) {
                assertThat(session.get("networks", Map.of(), EngineSession.Format.XML, EngineSessionIT::xml))
                        .contains("ovirtmgmt");
            }
            assertThat(engine.logins()).as("one new login per expired token").isEqualTo(4);
            assertThat(engine.requests()).filteredOn(r -> r.startsWith("GET /ovirt-engine/api/networks"))
                    .as("each request that met an expired token is repeated once").hasSize(6);
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithoutEchoingIt() throws Exception {
        String wrong = "wrong-Secret-9";
        try (OvirtStandIn engine = OvirtStandIn.start(tmp);
                EngineSession session = EngineSession.open(settings(engine, wrong))) {
            assertThatThrownBy(session::login).isInstanceOfSatisfying(KvMigrateException.class, e -> {
                assertThat(e.exitCode()).isEqualTo(ExitCode.SOURCE_UNREACHABLE);
                assertThat(e.getMessage()).contains("refused the login of admin@internal")
                        .contains("password is incorrect").doesNotContain(wrong);
            });
        }
    }

    @Test
    void anErrorStatusNamesTheRequestAndTheEnginesReason() throws Exception {
        try (OvirtStandIn engine = OvirtStandIn.start(tmp);
                EngineSession session = EngineSession.open(settings(engine, OvirtStandIn.PASSWORD))) {
            assertThatThrownBy(() -> session.get("disks/no-such-disk", Map.of(), EngineSession.Format.JSON,
                    JSON::readTree)).isInstanceOfSatisfying(EngineStatusException.class, e -> {
                        assertThat(e.status()).isEqualTo(404);
                        assertThat(e.exitCode()).isEqualTo(ExitCode.SOURCE_UNREACHABLE);
                        assertThat(e.getMessage()).contains("GET /ovirt-engine/api/disks/no-such-disk")
                                .contains("(Not Found: the stand-in engine has no disk no-such-disk)");
                    });
            assertThatThrownBy(() -> session.get("vms", Map.of("search", "os=windows"), EngineSession.Format.XML,
                    EngineSessionIT::xml)).isInstanceOfSatisfying(EngineStatusException.class,
                            e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    /** The stand-in behaves as the engine does for a download: the phases a client sees, then the removal. */
    @Test
    void anImageTransferGoesThroughTheEnginesPhases() throws Exception {
        Path image = tmp.resolve("d.raw");
        run("qemu-img", "create", "-q", "-f", "raw", image.toString(), "8M");
        try (OvirtStandIn engine = OvirtStandIn.start(tmp);
                EngineSession session = EngineSession.open(settings(engine, OvirtStandIn.PASSWORD))) {
            engine.addVm("vm-1", new OvirtStandIn.Disk("disk-1", image));
            engine.startAfterPolls(2);
            String create = "{\"disk\":{\"id\":\"disk-1\"},\"direction\":\"download\",\"format\":\"raw\"}";
            JsonNode t = session.post("imagetransfers", create, EngineSession.Format.JSON, JSON::readTree);
            String id = t.path("id").asText();
            assertThat(t.path("phase").asText()).isEqualTo("initializing");
            assertThat(t.path("inactivity_timeout").isTextual()).as("the engine writes numbers as strings").isTrue();
            assertThatThrownBy(() -> session.post("imagetransfers", create, EngineSession.Format.JSON,
                    JSON::readTree)).isInstanceOfSatisfying(EngineStatusException.class, e -> {
                        assertThat(e.status()).isEqualTo(409);
                        assertThat(e.getMessage()).contains("Disk is locked");
                    });
            assertThat(phase(session, id)).isEqualTo("initializing");
            t = session.get("imagetransfers/" + id, Map.of(), EngineSession.Format.JSON, JSON::readTree);
            assertThat(t.path("phase").asText()).isEqualTo("transferring");
            assertThat(t.path("transfer_url").asText()).startsWith("http://127.0.0.1:").contains("/images/");
            assertThat(t.path("proxy_url").asText()).contains("/images/");
            assertThat(session.get("disks/disk-1", Map.of(), EngineSession.Format.JSON, JSON::readTree)
                    .path("status").asText()).isEqualTo("locked");
            session.post("imagetransfers/" + id + "/finalize", "{}", EngineSession.Format.JSON, JSON::readTree);
            assertThat(phase(session, id)).isEqualTo("finished_success");
            assertThatThrownBy(() -> phase(session, id)).isInstanceOfSatisfying(EngineStatusException.class,
                    e -> assertThat(e.status()).isEqualTo(404));
            assertThat(engine.transfers()).singleElement()
                    .isEqualTo(new OvirtStandIn.Transfer(id, "disk-1", "finished_success", true));
            assertThat(session.get("disks/disk-1", Map.of(), EngineSession.Format.XML, EngineSessionIT::xml))
                    .contains("<status>ok</status>").contains("<provisioned_size>8388608</provisioned_size>");
        }
    }

    private static String phase(EngineSession session, String id) {
        return session.get("imagetransfers/" + id, Map.of(), EngineSession.Format.JSON, JSON::readTree)
                .path("phase").asText();
    }

    @Test
    void anUntrustedEngineShowsItsCaFingerprintAndIsNotTrusted() throws Exception {
        try (OvirtStandIn engine = OvirtStandIn.startTls(tmp)) {
            String keytool = run(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-printcert", "-file", engine.caFile().orElseThrow().toString());
            Matcher m = Pattern.compile("SHA256: ([0-9A-F:]+)").matcher(keytool);
            assertThat(m.find()).isTrue();
            EngineSettings untrusted = EngineSettings.of(engine.apiUrl(), OvirtStandIn.USER,
                    Secret.of(OvirtStandIn.PASSWORD.toCharArray()), Optional.empty(), false);
            try (EngineSession session = EngineSession.open(untrusted)) {
                assertThatThrownBy(session::login).isInstanceOfSatisfying(UntrustedCaException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.SOURCE_UNREACHABLE);
                    assertThat(e.sha256Fingerprint()).isEqualTo(m.group(1));
                    assertThat(e.getMessage()).contains(m.group(1)).contains("NOT trusted").contains("--ca-file")
                            .doesNotContain(OvirtStandIn.PASSWORD);
                    assertThat(e.caPem()).isEqualTo(engine.caPem().orElseThrow());
                });
            }
            assertThat(engine.logins()).as("the password never went to an untrusted engine").isZero();
            try (EngineSession session = EngineSession.open(settings(engine, OvirtStandIn.PASSWORD))) {
                session.login();
            }
            try (EngineSession session = EngineSession.open(EngineSettings.of(engine.apiUrl(), OvirtStandIn.USER,
                    Secret.of(OvirtStandIn.PASSWORD.toCharArray()), Optional.empty(), true))) {
                assertThat(session.get("hosts", Map.of(), EngineSession.Format.XML, EngineSessionIT::xml))
                        .contains("standin-host-1");
            }
        }
    }

    @Test
    void aCaFileOfAnotherEngineFailsVerification() throws Exception {
        try (OvirtStandIn engine = OvirtStandIn.startTls(tmp.resolve("a"));
                OvirtStandIn other = OvirtStandIn.startTls(tmp.resolve("b"))) {
            EngineSettings wrongCa = EngineSettings.of(engine.apiUrl(), OvirtStandIn.USER,
                    Secret.of(OvirtStandIn.PASSWORD.toCharArray()), other.caFile(), false);
            try (EngineSession session = EngineSession.open(wrongCa)) {
                assertThatThrownBy(session::login).isInstanceOfSatisfying(KvMigrateException.class, e -> {
                    assertThat(e).isNotInstanceOf(UntrustedCaException.class);
                    assertThat(e.getMessage()).contains("TLS verification failed").contains("--ca-file");
                });
            }
        }
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
