package dev.kvmigrate.inventory.ovirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.ovirt.EngineSettings;
import dev.kvmigrate.common.ovirt.Secret;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.DiskBus;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.DiskFormat;
import dev.kvmigrate.inventory.model.DiskSourceType;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.inventory.model.Vm;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OvirtSourceIT {
    static final Path GPU_ENGINE = Path.of("src/test/resources/dev/kvmigrate/inventory/ovirt/gpu-engine");

    private final MockWebServer server = new MockWebServer();

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    OvirtSettings settings(FakeEngine engine, int pageSize, String password, Duration readTimeout) throws Exception {
        server.setDispatcher(engine);
        server.start();
        return new OvirtSettings(new EngineSettings(URI.create(server.url("/ovirt-engine/api").toString()),
                "admin@internal", Secret.of(password.toCharArray()), Optional.empty(), false, Duration.ofSeconds(5),
                readTimeout), Optional.empty(), pageSize);
    }

    Inventory scan(OvirtSettings s) {
        try (OvirtSource src = OvirtSource.open(s)) {
            return src.scan(VmSelector.ALL);
        }
    }

    static List<String> codes(Vm vm) {
        return vm.concerns().stream().map(Concern::code).toList();
    }

    @Test
    void vgpusFromTheCustomPropertyResolveThroughTheRunningHost() throws Exception {
        Inventory inv = scan(settings(RecordedEngines.inlined(GPU_ENGINE), 100, FakeEngine.PASSWORD, null));
        Vm vm = inv.vm("cad-ws-01").orElseThrow();
        assertThat(vm.gpus()).hasSize(1);
        Gpu g = vm.gpus().get(0);
        assertThat(g.kind()).isEqualTo(GpuKind.VGPU);
        assertThat(g.mdevType()).contains("nvidia-222");
        assertThat(g.mdevTypeName()).contains("GRID T4-1B");
        assertThat(g.display()).isFalse();
        assertThat(g.pciAddress()).contains("0000:3b:00.0");
        assertThat(g.vendorDevice()).contains("10de:1eb8");
        assertThat(g.productName()).contains("TU104GL [Tesla T4]");
        assertThat(vm.powerState()).isEqualTo(PowerState.RUNNING);
        assertThat(vm.firmware().bootMode()).isEqualTo(BootMode.UEFI);
        assertThat(vm.firmware().machineType()).contains("q35");
        assertThat(vm.cpu().topology().sockets()).isEqualTo(2);
        assertThat(vm.cpu().vcpus()).isEqualTo(4);
        assertThat(vm.memory().bytes()).isEqualTo(8L << 30);
        assertThat(vm.memory().guaranteedBytes()).contains(4L << 30);
        assertThat(vm.memory().maxBytes()).contains(16L << 30);
        assertThat(vm.clock().timezone()).contains("America/New_York");
        assertThat(vm.placement().cluster()).contains("gpu-cluster");
        assertThat(vm.placement().host()).contains("gpu-host-1");
        assertThat(vm.placement().highAvailability()).isTrue();
        assertThat(vm.snapshots()).isEqualTo(1);
        assertThat(vm.watchdog()).hasValueSatisfying(w -> assertThat(w.model()).isEqualTo("i6300esb"));
        var disk = vm.disks().get(0);
        assertThat(disk.source().type()).isEqualTo(DiskSourceType.OVIRT_IMAGE);
        assertThat(disk.source().location()).isEqualTo("d-1");
        assertThat(disk.source().host()).contains("nfs-data");
        assertThat(disk.format()).isEqualTo(DiskFormat.QCOW2);
        assertThat(disk.bus()).isEqualTo(DiskBus.SCSI);
        assertThat(disk.virtualSize()).contains(50L << 30);
        assertThat(disk.allocatedSize()).contains(3L << 30);
        assertThat(disk.bootOrder()).contains(1);
        assertThat(vm.disks().get(1).device()).isEqualTo(DiskDevice.CDROM);
        assertThat(vm.disks().get(1).bus()).isEqualTo(DiskBus.SATA);
        assertThat(vm.nics().get(0).mac()).contains("56:6f:ab:cd:00:01");
        assertThat(vm.nics().get(0).network()).isEqualTo("ovirtmgmt");
        assertThat(codes(vm)).contains("HIGH_AVAILABILITY", "SNAPSHOT_MEMORY")
                .doesNotContain("GPU_TYPE_NAME_UNKNOWN", "SOURCE_PARSE_PARTIAL");
    }

    @Test
    void twoVgpusOfAStoppedVmResolveThroughItsClusterHosts() throws Exception {
        Inventory inv = scan(settings(RecordedEngines.inlined(GPU_ENGINE), 100, FakeEngine.PASSWORD, null));
        Vm vm = inv.vm("render-02").orElseThrow();
        assertThat(vm.gpus()).extracting(g -> g.mdevTypeName().orElse("?"))
                .containsExactly("NVIDIA A10-12Q", "NVIDIA A10-12Q");
        assertThat(vm.gpus()).allMatch(Gpu::display);
        assertThat(vm.firmware().secureBoot()).isTrue();
        assertThat(vm.tpm()).isPresent();
        assertThat(vm.customProperties()).containsEntry("sap_agent", "false");
        assertThat(codes(vm)).contains("TPM_STATE_NOT_CARRIED");
    }

    @Test
    void mediatedDevicesCarryDisplayAndDriverParams() throws Exception {
        Inventory inv = scan(settings(RecordedEngines.inlined(GPU_ENGINE), 100, FakeEngine.PASSWORD, null));
        Vm vm = inv.vm("render-md-03").orElseThrow();
        assertThat(vm.gpus()).hasSize(2);
        assertThat(vm.gpus().get(0).mdevType()).contains("nvidia-593");
        assertThat(vm.gpus().get(0).mdevTypeName()).contains("NVIDIA A10-12Q");
        assertThat(vm.gpus().get(0).display()).isTrue();
        assertThat(vm.gpus().get(0).driverParams()).contains("enable_uvm=1");
        assertThat(vm.gpus().get(1).display()).isFalse();
        assertThat(vm.gpus().get(0).pciAddress()).contains("0000:ca:00.0");
    }

    @Test
    void passthroughGpuIsTakenApartFromItsAudioFunction() throws Exception {
        Inventory inv = scan(settings(RecordedEngines.inlined(GPU_ENGINE), 100, FakeEngine.PASSWORD, null));
        Vm vm = inv.vm("train-04").orElseThrow();
        assertThat(vm.gpus()).singleElement().satisfies(g -> {
            assertThat(g.kind()).isEqualTo(GpuKind.PASSTHROUGH);
            assertThat(g.vendorDevice()).contains("10de:2330");
            assertThat(g.productName()).contains("GH100 [H100 SXM5 80GB]");
            assertThat(g.pciAddress()).contains("0000:65:00.0");
        });
        // The board's audio function is the GPU's companion: the converter carries or drops it, no scan warning.
        assertThat(vm.hostDevices()).singleElement().satisfies(h -> {
            assertThat(h.vendorDevice()).contains("10de:22ba");
            assertThat(h.companionOf()).contains("0000:65:00.0");
        });
        assertThat(vm.cpu().pinning()).hasSize(1);
        assertThat(vm.memory().hugepageBytes()).contains(1L << 30);
        assertThat(codes(vm)).contains("CPU_POLICY").doesNotContain("HOSTDEV_UNMAPPED");
    }

    @Test
    void orphanVgpuAndTheForkliftFloorRules() throws Exception {
        Inventory inv = scan(settings(RecordedEngines.inlined(GPU_ENGINE), 100, FakeEngine.PASSWORD, null));
        Vm vm = inv.vm("orphan-05").orElseThrow();
        assertThat(vm.gpus()).singleElement().satisfies(g -> {
            assertThat(g.mdevType()).contains("nvidia-230");
            assertThat(g.mdevTypeName()).isEmpty();
        });
        assertThat(vm.firmware().machineType()).contains("pc-i440fx-rhel7.6.0");
        assertThat(vm.disks().get(0).source().type()).isEqualTo(DiskSourceType.OVIRT_LUN);
        assertThat(vm.disks().get(0).source().location()).isEqualTo("36001405abcdef");
        assertThat(vm.disks().get(0).bus()).isEqualTo(DiskBus.IDE);
        assertThat(vm.nics().get(0).plugged()).isFalse();
        assertThat(vm.nics().get(0).network()).isEqualTo("prod-vlan20");
        assertThat(codes(vm)).contains("GPU_TYPE_NAME_UNKNOWN", "DISK_ILLEGAL", "DISK_LOCKED",
                "DISK_SIZE_UNKNOWN", "DISK_SCSI_RESERVATION", "CPU_POLICY", "CPU_SHARES", "CPU_CUSTOM_MODEL",
                "USB_REDIRECTION", "DISPLAY_SPICE", "NIC_NETWORK_FILTER", "NIC_PORT_MIRRORING", "NIC_QOS",
                "NIC_UNPLUGGED");
        assertThat(vm.concerns().stream().filter(c -> c.code().equals("DISK_ILLEGAL")).count()).isEqualTo(2);
    }

    @Test
    void pagesUntilAShortPageAndFollowsTheSubCollections() throws Exception {
        FakeEngine engine = RecordedEngines.inlined(GPU_ENGINE);
        Inventory inv = scan(settings(engine, 2, FakeEngine.PASSWORD, null));
        assertThat(inv.vms()).extracting(Vm::name)
                .containsExactly("cad-ws-01", "render-02", "render-md-03", "train-04", "orphan-05");
        List<String> vmGets = engine.log().stream().filter(l -> l.startsWith("GET /ovirt-engine/api/vms")).toList();
        assertThat(vmGets).hasSize(3);
        assertThat(vmGets.get(2)).contains("page 3").contains("max=2").contains("follow=" + OvirtSource.FOLLOW);
    }

    @Test
    void aFullLastPageCostsOneEmptyPage() throws Exception {
        FakeEngine engine = RecordedEngines.inlined(GPU_ENGINE);
        Inventory inv = scan(settings(engine, 5, FakeEngine.PASSWORD, null));
        assertThat(inv.vms()).hasSize(5);
        assertThat(engine.log()).filteredOn(l -> l.startsWith("GET /ovirt-engine/api/vms")).hasSize(2);
    }

    @Test
    void fiveHundredVmsCostAtMostTenRequests() throws Exception {
        FakeEngine engine = ScaleEngine.withVms(500);
        OvirtSettings s = settings(engine, OvirtSettings.DEFAULT_PAGE_SIZE, FakeEngine.PASSWORD, null);
        try (OvirtSource src = OvirtSource.open(s)) {
            Inventory inv = src.scan(VmSelector.ALL);
            assertThat(inv.vms()).hasSize(500);
            assertThat(inv.vms().stream().map(Vm::name).distinct()).hasSize(500);
            assertThat(inv.vms()).allSatisfy(vm -> {
                assertThat(vm.disks()).hasSize(1);
                assertThat(vm.gpus()).hasSize(1);
                assertThat(vm.gpus().get(0).mdevTypeName()).contains("GRID T4-1Q");
            });
            System.out.println("500 VMs scanned in " + src.requestCount() + " requests");
            assertThat(src.requestCount()).isLessThanOrEqualTo(10).isEqualTo(server.getRequestCount());
        }
    }

    @Test
    void anEngineBefore45IsAskedAgainWithoutMediatedDevices() throws Exception {
        FakeEngine engine = RecordedEngines.inlined(GPU_ENGINE);
        engine.before45 = true;
        Inventory inv = scan(settings(engine, 100, FakeEngine.PASSWORD, null));
        assertThat(inv.vm("cad-ws-01").orElseThrow().gpus()).hasSize(1);
        assertThat(engine.log()).filteredOn(l -> l.startsWith("GET /ovirt-engine/api/vms")).hasSize(2)
                .last().asString().contains("follow=" + OvirtSource.FOLLOW_BEFORE_45);
    }

    @Test
    void logsNeverCarryThePassword() throws Exception {
        FakeEngine engine = RecordedEngines.inlined(GPU_ENGINE);
        engine.tokenUses = 1;
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            Inventory inv = scan(settings(engine, 2, FakeEngine.PASSWORD, null));
            for (var format : dev.kvmigrate.inventory.model.InventoryCodec.Format.values()) {
                assertThat(dev.kvmigrate.inventory.model.InventoryCodec.write(inv, format))
                        .contains("cad-ws-01").doesNotContain(FakeEngine.PASSWORD);
            }
        } finally {
            System.setErr(saved);
        }
        String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(log).contains("token expired").doesNotContain(FakeEngine.PASSWORD);
    }

    @Test
    void anExpiredTokenIsRenewedOnceAndTheScanCompletes() throws Exception {
        FakeEngine engine = RecordedEngines.inlined(GPU_ENGINE);
        engine.tokenUses = 2;
        Inventory inv = scan(settings(engine, 2, FakeEngine.PASSWORD, null));
        assertThat(inv.vms()).hasSize(5);
        assertThat(engine.log()).filteredOn(l -> l.startsWith("POST /ovirt-engine/sso")).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aServerErrorFailsTheScanWithTheSourceExitCode() throws Exception {
        FakeEngine engine = RecordedEngines.inlined(GPU_ENGINE);
        engine.fail("/api/vms", 500, 1);
        OvirtSettings s = settings(engine, 2, FakeEngine.PASSWORD, null);
        assertThatThrownBy(() -> scan(s)).isInstanceOfSatisfying(KvMigrateException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.SOURCE_UNREACHABLE);
            assertThat(e.getMessage()).contains("500").contains("GET /ovirt-engine/api/vms").contains("injected failure");
        });
    }

    @Test
    void aSlowEngineTimesOutWithAClearError() throws Exception {
        FakeEngine engine = RecordedEngines.inlined(GPU_ENGINE);
        OvirtSettings s = settings(engine, 2, FakeEngine.PASSWORD, Duration.ofMillis(300));
        try (OvirtSource src = OvirtSource.open(s)) {
            engine.delayMillis = 3000;
            assertThatThrownBy(() -> src.scan(VmSelector.ALL)).isInstanceOfSatisfying(KvMigrateException.class, e -> {
                assertThat(e.exitCode()).isEqualTo(ExitCode.SOURCE_UNREACHABLE);
                assertThat(e.getMessage()).contains("did not answer").contains("timeout");
            });
        }
    }

    @Test
    void aTwentyMegabyteAnswerIsRead() throws Exception {
        FakeEngine engine = ScaleEngine.withVms(1);
        String big = "x".repeat(20 * 1024 * 1024);
        engine.vm("<vm href=\"/ovirt-engine/api/vms/big\" id=\"big\"><name>big</name><description>" + big
                + "</description><memory>1073741824</memory><status>down</status>", java.util.Map.of());
        Inventory inv = scan(settings(engine, 100, FakeEngine.PASSWORD, null));
        assertThat(inv.vm("big").orElseThrow().description()).hasValueSatisfying(d -> assertThat(d).hasSize(big.length()));
    }

    @Test
    void aWrongPasswordIsRefusedWithoutEchoingIt() throws Exception {
        String wrong = "wrong-Secret-9";
        OvirtSettings s = settings(RecordedEngines.inlined(GPU_ENGINE), 2, wrong, null);
        assertThat(s.toString()).doesNotContain(wrong).doesNotContain(FakeEngine.PASSWORD);
        assertThatThrownBy(() -> OvirtSource.open(s)).isInstanceOfSatisfying(KvMigrateException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.SOURCE_UNREACHABLE);
            assertThat(e.getMessage()).contains("admin@internal").contains("refused").doesNotContain(wrong);
        });
    }
}
