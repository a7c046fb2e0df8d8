package dev.kvmigrate.common.ovirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.testing.ovirt.OvirtStandIn;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine session against engines and proxies that misbehave: plain http, connections closed after each
 * answer, 5xx storms, slow answers, error answers that echo the request or the login form.
 */
class EngineSessionHostileIT {
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
    void aPlainHttpEngineIsRefusedUnlessInsecureBecauseThePasswordWouldTravelInClear() {
        Secret pw = Secret.of("x".toCharArray());
        URI plain = URI.create("http://engine.example.com/ovirt-engine/api");
        assertThatThrownBy(() -> EngineSettings.of(plain, "admin@internal", pw, Optional.empty(), false))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("clear text")
                .hasMessageContaining("https://engine.example.com/ovirt-engine/api")
                .hasMessageContaining("--insecure");
        assertThat(EngineSettings.of(plain, "admin@internal", pw, Optional.empty(), true).plainHttp()).isTrue();
        // the loopback (a tunnel's local end, a test engine) keeps the password on this machine
        assertThat(EngineSettings.of(URI.create("http://127.0.0.1:8080/ovirt-engine/api"), "admin@internal", pw,
                Optional.empty(), false).insecure()).isFalse();
        assertThat(EngineSettings.of(URI.create("http://localhost/ovirt-engine/api"), "admin@internal", pw,
                Optional.empty(), false).plainHttp()).isTrue();
    }

    @Test
    void getsSurviveAnEngineThatClosesEveryConnectionAfterOneAnswer() throws Exception {
        try (OvirtStandIn engine = OvirtStandIn.start(tmp).closeEveryConnection();
                EngineSession session = EngineSession.open(settings(engine, OvirtStandIn.PASSWORD))) {
            engine.addVm("web-01");
            for (int i = 0; i < 4; i++) {
                assertThat(session.get("clusters", Map.of(), EngineSession.Format.XML, EngineSessionHostileIT::xml))
                        .contains("<name>Default</name>");
                assertThat(session.get("vms", Map.of(), EngineSession.Format.XML, EngineSessionHostileIT::xml))
                        .contains("web-01");
            }
            assertThat(engine.logins()).isEqualTo(1);
        }
    }

    @Test
    void slowAnswersWithinTheReadTimeoutAreWaitedFor() throws Exception {
        try (OvirtStandIn engine = OvirtStandIn.start(tmp).slowAnswers(Duration.ofMillis(300), 2);
                EngineSession session = EngineSession.open(withReadTimeout(engine, Duration.ofSeconds(5)))) {
            for (int i = 0; i < 4; i++) {
                assertThat(session.get("networks", Map.of(), EngineSession.Format.XML, EngineSessionHostileIT::xml))
                        .contains("ovirtmgmt");
            }
        }
    }

    @Test
    void anAnswerSlowerThanTheReadTimeoutFailsWithinItAsUnreachableAndIsNotRepeated() throws Exception {
        try (OvirtStandIn engine = OvirtStandIn.start(tmp);
                EngineSession session = EngineSession.open(withReadTimeout(engine, Duration.ofMillis(400)))) {
            session.login();
            engine.slowAnswers(Duration.ofSeconds(4), 1);
            long start = System.nanoTime();
            assertThatThrownBy(() -> session.get("networks", Map.of(), EngineSession.Format.XML,
                    EngineSessionHostileIT::xml)).isInstanceOfSatisfying(KvMigrateException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.SOURCE_UNREACHABLE);
                        assertThat(e.getMessage()).contains("did not answer", "within 0.4 s (timeout)");
                    });
            // bounded by the read timeout, not by the engine's delay: a loaded engine is not asked again at once
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(engine.requests()).filteredOn(r -> r.startsWith("GET /ovirt-engine/api/networks")).hasSize(1);
        }
    }

    static EngineSettings withReadTimeout(OvirtStandIn engine, Duration readTimeout) {
        return new EngineSettings(engine.apiUrl(), OvirtStandIn.USER, Secret.of(OvirtStandIn.PASSWORD.toCharArray()),
                engine.caFile(), false, EngineSettings.DEFAULT_CONNECT_TIMEOUT, readTimeout);
    }

    @Test
    void aPostIsNeverRepeatedAndNeverRidesAStaleConnection() throws Exception {
        try (OvirtStandIn engine = OvirtStandIn.start(tmp).closeEveryConnection();
                EngineSession session = EngineSession.open(settings(engine, OvirtStandIn.PASSWORD))) {
            OvirtStandIn.Vm vm = engine.addVm("web-01");
            engine.powerOn("web-01");
            session.get("vms", Map.of(), EngineSession.Format.XML, EngineSessionHostileIT::xml);
            // the connection the GET used is closed now: the POST must not try it
            session.post("vms/" + vm.id() + "/shutdown", "<action/>", EngineSession.Format.XML,
                    EngineSessionHostileIT::xml);
            engine.serverErrorStorm(503, 1);
            assertThatThrownBy(() -> session.post("vms/" + vm.id() + "/shutdown", "<action/>",
                    EngineSession.Format.XML, EngineSessionHostileIT::xml)).isInstanceOf(EngineStatusException.class)
                    .hasMessageContaining("503");
            assertThat(engine.requests()).filteredOn(r -> r.endsWith("/shutdown")).hasSize(2);
        }
    }

    @Test
    void aStormOf5xxIsRiddenOutByRepeatingGets() throws Exception {
        try (OvirtStandIn engine = OvirtStandIn.start(tmp);
                EngineSession session = EngineSession.open(settings(engine, OvirtStandIn.PASSWORD))) {
            engine.serverErrorStorm(503, 2);
            for (int i = 0; i < 6; i++) {
                assertThat(session.get("networks", Map.of(), EngineSession.Format.XML, EngineSessionHostileIT::xml))
                        .contains("ovirtmgmt");
            }
        }
    }

    @Test
    void aPersistentErrorStopsAfterThreeGetsAndItsMessageCarriesNoTokenHeaderOrMarkup() throws Exception {
        try (OvirtStandIn engine = OvirtStandIn.start(tmp);
                EngineSession session = EngineSession.open(settings(engine, OvirtStandIn.PASSWORD))) {
            session.login();
            engine.serverErrorStorm(502, 1);
            assertThatThrownBy(() -> session.get("networks", Map.of(), EngineSession.Format.XML,
                    EngineSessionHostileIT::xml)).isInstanceOfSatisfying(EngineStatusException.class, e -> {
                        assertThat(e.status()).isEqualTo(502);
                        assertThat(e.getMessage()).contains("GET /ovirt-engine/api/networks")
                                .doesNotContainIgnoringCase("bearer").doesNotContainIgnoringCase("authorization")
                                .doesNotContain("<").hasSizeLessThan(1000);
                    });
            assertThat(engine.requests()).filteredOn(r -> r.startsWith("GET /ovirt-engine/api/networks"))
                    .hasSize(EngineSession.GET_ATTEMPTS);
        }
    }

    @Test
    void aLoginFailureThatEchoesTheFormDoesNotEchoThePassword() throws Exception {
        try (OvirtStandIn engine = OvirtStandIn.start(tmp).echoLoginFormOnFailure(400);
                EngineSession session = EngineSession.open(settings(engine, OvirtStandIn.PASSWORD))) {
            assertThatThrownBy(session::login).isInstanceOfSatisfying(KvMigrateException.class, e ->
                    assertThat(e.getMessage()).contains("refused the login of admin@internal")
                            .doesNotContain(OvirtStandIn.PASSWORD).doesNotContain("password="));
        }
    }

    @Test
    void engineTextIsCleanedOfMarkupCredentialsAndLength() {
        assertThat(EngineSession.clean("<b>Operation Failed</b>: disk &amp; lock")).isEqualTo("Operation Failed : disk &amp; lock");
        assertThat(EngineSession.clean("bad Authorization: Bearer abc.def token=xyz password=hunter2"))
                .doesNotContain("abc.def").doesNotContain("xyz").doesNotContain("hunter2");
        assertThat(EngineSession.clean("x".repeat(10_000))).hasSizeLessThan(400);
        assertThat(EngineSession.clean("grant_type=password&username=a&password=s3cret")).doesNotContain("s3cret");
    }
}
