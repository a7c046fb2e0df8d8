package dev.kvmigrate.inventory.ovirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.common.ovirt.EngineSettings;
import dev.kvmigrate.common.ovirt.Secret;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.testing.ovirt.OvirtStandIn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan and the power control against an engine (or the proxy in front of it) that closes every connection after
 * one answer without saying so, and that throws 5xx storms: the scan completes, the shutdown is sent once.
 */
class OvirtHostileEngineIT {
    @TempDir
    Path tmp;

    static OvirtSettings settings(OvirtStandIn engine, int pageSize) {
        return new OvirtSettings(new EngineSettings(engine.apiUrl(), OvirtStandIn.USER,
                Secret.of(OvirtStandIn.PASSWORD.toCharArray()), Optional.empty(), false, Duration.ofSeconds(5),
                Duration.ofSeconds(30)), Optional.empty(), pageSize);
    }

    @Test
    void aScanCompletesAgainstAnEngineThatClosesEveryConnectionAfterOneAnswer() throws Exception {
        try (OvirtStandIn engine = OvirtStandIn.start(tmp.resolve("engine")).closeEveryConnection()) {
            engine.addVm("web-01");
            engine.addVm("db-01");
            engine.addVm("app-01");
            try (OvirtSource src = OvirtSource.open(settings(engine, 1))) {
                Inventory inv = src.scan(VmSelector.ALL);
                assertThat(inv.vms()).extracting(Vm::name).containsExactlyInAnyOrder("app-01", "db-01", "web-01");
            }
            assertThat(engine.logins()).isEqualTo(1);
        }
    }

    @Test
    void aScanCompletesThroughAStormOf5xxAndClosedConnections() throws Exception {
        try (OvirtStandIn engine = OvirtStandIn.start(tmp.resolve("engine")).closeEveryConnection()) {
            engine.addVm("web-01");
            engine.addVm("db-01");
            engine.serverErrorStorm(503, 2);
            try (OvirtSource src = OvirtSource.open(settings(engine, 1))) {
                assertThat(src.scan(VmSelector.ALL).vms()).extracting(Vm::name)
                        .containsExactlyInAnyOrder("db-01", "web-01");
            }
            assertThat(engine.requests()).filteredOn(r -> r.startsWith("GET ")).hasSizeGreaterThan(4);
        }
    }

    @Test
    void aShutdownThroughAClosingEngineIsSentOnce() throws Exception {
        try (OvirtStandIn engine = OvirtStandIn.start(tmp.resolve("engine")).closeEveryConnection()) {
            engine.addVm("web-01");
            engine.powerOn("web-01");
            try (OvirtPower power = OvirtPower.open(settings(engine, 100), Duration.ofMillis(20))) {
                assertThat(power.state("web-01")).isEqualTo(PowerState.RUNNING);
                power.shutdown("web-01", Duration.ofSeconds(10));
                assertThat(power.state("web-01")).isEqualTo(PowerState.SHUTOFF);
            }
            assertThat(engine.requests()).filteredOn(r -> r.endsWith("/shutdown")).hasSize(1);
        }
    }
}
