package dev.kvmigrate.inventory.ovirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.ovirt.EngineSettings;
import dev.kvmigrate.common.ovirt.Secret;
import dev.kvmigrate.inventory.model.PowerState;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link OvirtPower} against the fake engine: state by name, shutdown action, polling until down, errors. */
class OvirtPowerIT {
    private static final Duration POLL = Duration.ofMillis(20);

    private final MockWebServer server = new MockWebServer();
    private final FakeEngine engine = new FakeEngine();
    /** VM id → [name, status]. */
    private final Map<String, String[]> vms = new ConcurrentHashMap<>();
    /** VM id → status reads left after a shutdown request before the VM is down; absent: it never goes down. */
    private final Map<String, Integer> downAfter = new ConcurrentHashMap<>();
    private final List<String> shutdowns = new CopyOnWriteArrayList<>();
    private volatile MockResponse shutdownAnswer = FakeEngine.xml(200,
            "<action><status>complete</status></action>");
    private OvirtSettings settings;

    @BeforeEach
    void start() throws Exception {
        vms.put("id-web", new String[] {"web-03", "up"});
        vms.put("id-web-clone", new String[] {"web-03-clone", "up"});
        vms.put("id-db", new String[] {"db-01", "down"});
        vms.put("id-cad", new String[] {"cad-ws", "paused"});
        engine.api = this::answer;
        server.setDispatcher(engine);
        server.start();
        settings = new OvirtSettings(new EngineSettings(URI.create(server.url("/ovirt-engine/api").toString()),
                "admin@internal", Secret.of(FakeEngine.PASSWORD.toCharArray()), Optional.empty(), false,
                Duration.ofSeconds(5), Duration.ofSeconds(5)), Optional.empty(), 100);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** Like the engine, the name search matches patterns: {@code name="web-03"} also finds web-03-clone here. */
    private MockResponse answer(RecordedRequest r) {
        String rel = r.getUrl().encodedPath().substring(FakeEngine.API.length());
        if (r.getMethod().equals("GET") && rel.equals("vms")) {
            String search = String.valueOf(r.getUrl().queryParameter("search"));
            if (!search.startsWith("name=\"") || !search.endsWith("\"")) {
                return FakeEngine.xml(400, "<fault><reason>Operation Failed</reason><detail>bad search " + search
                        + "</detail></fault>");
            }
            String name = search.substring(6, search.length() - 1);
            StringBuilder sb = new StringBuilder("<vms>");
            vms.forEach((id, v) -> {
                if (v[0].startsWith(name)) {
                    sb.append(vm(id, v));
                }
            });
            return FakeEngine.xml(200, sb.append("</vms>").toString());
        }
        if (r.getMethod().equals("GET") && rel.startsWith("vms/") && vms.containsKey(rel.substring(4))) {
            String id = rel.substring(4);
            downAfter.computeIfPresent(id, (k, left) -> {
                if (left <= 0) {
                    vms.get(id)[1] = "down";
                }
                return left - 1;
            });
            return FakeEngine.xml(200, vm(id, vms.get(id)));
        }
        if (r.getMethod().equals("POST") && rel.endsWith("/shutdown")) {
            String id = rel.substring(4, rel.length() - "/shutdown".length());
            shutdowns.add(id + " " + r.getHeaders().get("Content-Type") + " " + r.getBody().utf8());
            if (shutdownAnswer.getCode() == 200) {
                vms.get(id)[1] = "powering_down";
            }
            return shutdownAnswer;
        }
        if (r.getMethod().equals("POST") && rel.endsWith("/stop")) {
            // the engine's forced power-off: down at once
            String id = rel.substring(4, rel.length() - "/stop".length());
            shutdowns.add(id + " stop " + r.getBody().utf8());
            vms.get(id)[1] = "down";
            return FakeEngine.xml(200, "<action><status>complete</status></action>");
        }
        return null;
    }

    private static String vm(String id, String[] v) {
        return "<vm href=\"/ovirt-engine/api/vms/" + id + "\" id=\"" + id + "\"><name>" + v[0] + "</name><status>"
                + v[1] + "</status></vm>";
    }

    @Test
    void stateIsTheExactlyNamedVmsStatus() {
        try (OvirtPower power = OvirtPower.open(settings, POLL)) {
            assertThat(power.state("web-03")).isEqualTo(PowerState.RUNNING);
            assertThat(power.state("db-01")).isEqualTo(PowerState.SHUTOFF);
            assertThat(power.state("cad-ws")).isEqualTo(PowerState.PAUSED);
        }
        assertThat(engine.log()).contains("GET /ovirt-engine/api/vms?search=name=\"web-03\"");
        assertThat(shutdowns).isEmpty();
    }

    @Test
    void shutdownPostsTheActionAndReturnsOnceTheVmIsDown() {
        downAfter.put("id-web", 3);
        try (OvirtPower power = OvirtPower.open(settings, POLL)) {
            power.shutdown("web-03", Duration.ofSeconds(10));
            assertThat(power.state("web-03")).isEqualTo(PowerState.SHUTOFF);
        }
        assertThat(shutdowns).containsExactly("id-web application/xml <action/>");
        assertThat(engine.log()).contains("POST /ovirt-engine/api/vms/id-web/shutdown");
        assertThat(engine.log().stream().filter(l -> l.equals("GET /ovirt-engine/api/vms/id-web")).count())
                .isEqualTo(4);
        assertThat(vms.get("id-web-clone")[1]).as("the VM whose name only starts alike is left alone").isEqualTo("up");
    }

    @Test
    void powerOffPostsStopWithoutAskingTheGuest() {
        try (OvirtPower power = OvirtPower.open(settings, POLL)) {
            power.powerOff("web-03", Duration.ofSeconds(10));
            assertThat(power.state("web-03")).isEqualTo(PowerState.SHUTOFF);
        }
        assertThat(shutdowns).containsExactly("id-web stop <action/>");
        assertThat(engine.log()).contains("POST /ovirt-engine/api/vms/id-web/stop")
                .doesNotContain("POST /ovirt-engine/api/vms/id-web/shutdown");
    }

    @Test
    void aVmThatIsDownAlreadyGetsNoAction() {
        try (OvirtPower power = OvirtPower.open(settings, POLL)) {
            power.shutdown("db-01", Duration.ofSeconds(1));
        }
        assertThat(shutdowns).isEmpty();
    }

    @Test
    void aVmStillRunningAfterTheTimeoutFailsNamingItAndTheWayOut() {
        try (OvirtPower power = OvirtPower.open(settings, POLL)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> power.shutdown("web-03", Duration.ofMillis(300)))
                    .isInstanceOf(KvMigrateException.class)
                    .satisfies(e -> assertThat(((KvMigrateException) e).exitCode())
                            .isEqualTo(ExitCode.SOURCE_UNREACHABLE))
                    .hasMessageContaining("VM web-03 is still powering_down")
                    .hasMessageContaining("graceful shutdown request")
                    .hasMessageContaining("by hand")
                    .hasMessageContaining("options.runningVm.timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(shutdowns).hasSize(1);
        assertThat(engine.log().stream().filter(l -> l.equals("GET /ovirt-engine/api/vms/id-web")).count())
                .isGreaterThan(2);
    }

    @Test
    void anUnknownVmIsAClearError() {
        try (OvirtPower power = OvirtPower.open(settings, POLL)) {
            assertThatThrownBy(() -> power.state("ghost"))
                    .isInstanceOf(KvMigrateException.class)
                    .satisfies(e -> assertThat(((KvMigrateException) e).exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
                    .hasMessageContaining("VM ghost is not on " + settings.apiUrl())
                    .hasMessageContaining("VM selection");
            assertThatThrownBy(() -> power.shutdown("ghost", Duration.ofSeconds(1)))
                    .hasMessageContaining("VM ghost is not on");
        }
        assertThat(shutdowns).isEmpty();
    }

    @Test
    void aNameTwoVmsShareIsAClearError() {
        vms.put("id-web-2", new String[] {"web-03", "up"});
        try (OvirtPower power = OvirtPower.open(settings, POLL)) {
            assertThatThrownBy(() -> power.shutdown("web-03", Duration.ofSeconds(1)))
                    .hasMessageContaining("VM name web-03 matches 2 VMs")
                    .hasMessageContaining("id-web")
                    .hasMessageContaining("id-web-2");
        }
        assertThat(shutdowns).isEmpty();
    }

    @Test
    void anEngineRefusingTheShutdownFailsWithItsReason() {
        shutdownAnswer = FakeEngine.xml(409, "<fault><reason>Operation Failed</reason><detail>[Cannot shutdown"
                + " VM. User is not authorized to perform this action.]</detail></fault>");
        try (OvirtPower power = OvirtPower.open(settings, POLL)) {
            assertThatThrownBy(() -> power.shutdown("web-03", Duration.ofSeconds(1)))
                    .hasMessageContaining("VM web-03: shutdown through")
                    .hasMessageContaining("409")
                    .hasMessageContaining("User is not authorized");
        }
    }

    @Test
    void aSearchValueIsQuoted() {
        assertThat(OvirtPower.quote("my vm")).isEqualTo("\"my vm\"");
        assertThat(OvirtPower.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    }
}
