package dev.kvmigrate.inventory.ovirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.common.ovirt.EngineSettings;
import dev.kvmigrate.common.ovirt.Secret;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.DiskFormat;
import dev.kvmigrate.inventory.model.DiskSourceType;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.testing.ovirt.OvirtStandIn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scan (over HTTPS, trusting the engine CA) and the power control against the shared oVirt stand-in. */
class OvirtStandInIT {
    static final String ROOT = "6f1d3c2a-0000-4000-8000-000000000001";
    static final String DATA = "6f1d3c2a-0000-4000-8000-000000000002";

    @TempDir
    Path tmp;

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    /** The stand-in with web-01 (a raw and a qcow2 disk) and db-01 (no disk). */
    OvirtStandIn withVms(OvirtStandIn engine) throws Exception {
        Path root = tmp.resolve("root.raw");
        Path data = tmp.resolve("data.qcow2");
        run("qemu-img", "create", "-q", "-f", "raw", root.toString(), "32M");
        run("qemu-img", "create", "-q", "-f", "qcow2", data.toString(), "64M");
        engine.addVm("web-01", new OvirtStandIn.Disk(ROOT, root), new OvirtStandIn.Disk(DATA, data));
        engine.addVm("db-01");
        return engine;
    }

    static OvirtSettings settings(OvirtStandIn engine, int pageSize) {
        return new OvirtSettings(new EngineSettings(engine.apiUrl(), OvirtStandIn.USER,
                Secret.of(OvirtStandIn.PASSWORD.toCharArray()), engine.caFile(), false, Duration.ofSeconds(5),
                Duration.ofSeconds(30)), Optional.empty(), pageSize);
    }

    @Test
    void aVmWithTwoImageDisksScansWithEverythingFollowed() throws Exception {
        try (OvirtStandIn engine = withVms(OvirtStandIn.startTls(tmp.resolve("engine"))); OvirtSource src = OvirtSource.open(settings(engine, 1))) {
            Inventory inv = src.scan(VmSelector.ALL);
            assertThat(inv.vms()).extracting(Vm::name).containsExactly("db-01", "web-01");
            Vm vm = inv.vm("web-01").orElseThrow();
            assertThat(vm.powerState()).isEqualTo(PowerState.SHUTOFF);
            assertThat(vm.disks()).hasSize(2);
            assertThat(vm.disks().get(0).source().type()).isEqualTo(DiskSourceType.OVIRT_IMAGE);
            assertThat(vm.disks().get(0).source().location()).isEqualTo(ROOT);
            assertThat(vm.disks().get(0).source().host()).contains("data");
            assertThat(vm.disks().get(0).format()).isEqualTo(DiskFormat.RAW);
            assertThat(vm.disks().get(0).virtualSize()).contains(32L << 20);
            assertThat(vm.disks().get(0).bootOrder()).contains(1);
            assertThat(vm.disks().get(1).source().location()).isEqualTo(DATA);
            assertThat(vm.disks().get(1).format()).isEqualTo(DiskFormat.QCOW2);
            assertThat(vm.disks().get(1).virtualSize()).contains(64L << 20);
            assertThat(vm.nics()).singleElement().satisfies(n -> assertThat(n.network()).isEqualTo("ovirtmgmt"));
            assertThat(vm.placement().cluster()).contains("Default");
            assertThat(vm.concerns()).extracting(Concern::code).doesNotContain("SOURCE_PARSE_PARTIAL");
            assertThat(engine.requests()).filteredOn(r -> r.startsWith("GET /ovirt-engine/api/vms"))
                    .as("pages of one VM: two full pages and an empty one").hasSize(3)
                    .allSatisfy(r -> assertThat(r).contains("follow=" + OvirtSource.FOLLOW));
            assertThat(engine.logins()).isEqualTo(1);
        }
    }

    @Test
    void aRunningVmIsShutDownThroughTheStandIn() throws Exception {
        try (OvirtStandIn engine = withVms(OvirtStandIn.start(tmp.resolve("engine")));
                OvirtPower power = OvirtPower.open(settings(engine, 100), Duration.ofMillis(20))) {
            engine.powerOn("web-01");
            assertThat(power.state("web-01")).isEqualTo(PowerState.RUNNING);
            power.shutdown("web-01", Duration.ofSeconds(10));
            assertThat(power.state("web-01")).isEqualTo(PowerState.SHUTOFF);
            assertThat(engine.status("web-01")).isEqualTo("down");
            assertThat(engine.requests()).anyMatch(r -> r.matches("POST /ovirt-engine/api/vms/[-0-9a-f]+/shutdown"));
        }
    }
}
