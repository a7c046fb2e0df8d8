package dev.kvmigrate.inventory.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Severity;
import dev.kvmigrate.inventory.model.Vm;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** What every source must read from the gpu-host fixture (shared by the libvirt-java and XML-dump tests). */
final class GpuHostExpectations {
    static final long GIB = 1L << 30;

    private GpuHostExpectations() {}

    static Vm vm(Inventory inv, String name) {
        return inv.vm(name).orElseThrow(() -> new AssertionError("no VM " + name + " in "
                + inv.vms().stream().map(Vm::name).collect(Collectors.toList())));
    }

    static List<String> codes(Vm vm) {
        return vm.concerns().stream().map(Concern::code).collect(Collectors.toList());
    }

    static void assertGpuHost(Inventory inv) {
        assertThat(inv.vms()).extracting(Vm::name)
                .containsExactlyInAnyOrder("cad-ws-01", "render-02", "train-03", "legacy-db-04", "orphan-vgpu-05");

        Vm cad = vm(inv, "cad-ws-01");
        assertThat(cad.gpus()).hasSize(1);
        Gpu t4 = cad.gpus().get(0);
        assertThat(t4.kind()).isEqualTo(GpuKind.VGPU);
        assertThat(t4.mdevUuid()).contains("c2177883-f1bb-47f0-914d-32a22e3a8804");
        assertThat(t4.mdevType()).contains("nvidia-230");
        assertThat(t4.mdevTypeName()).contains("GRID T4-1Q");
        assertThat(t4.pciAddress()).contains("0000:3b:00.0");
        assertThat(t4.vendorDevice()).contains("10de:1eb8");
        assertThat(t4.productName()).contains("TU104GL [Tesla T4]");
        assertThat(t4.display()).isTrue();
        assertThat(t4.ramfb()).isTrue();
        assertThat(cad.firmware().bootMode()).isEqualTo(BootMode.UEFI);
        assertThat(cad.firmware().secureBoot()).isTrue();
        assertThat(cad.firmware().nvram()).contains("/var/lib/libvirt/qemu/nvram/cad-ws-01_VARS.fd");
        assertThat(cad.tpm()).hasValueSatisfying(t -> {
            assertThat(t.model()).isEqualTo("tpm-crb");
            assertThat(t.version()).contains("2.0");
        });
        assertThat(cad.memory().bytes()).isEqualTo(16 * GIB);
        assertThat(cad.cpu().vcpus()).isEqualTo(8);
        assertThat(cad.cpu().topology().cores()).isEqualTo(4);
        assertThat(cad.cpu().topology().threads()).isEqualTo(2);
        assertThat(cad.features().smm()).isTrue();
        assertThat(cad.features().hyperv()).containsEntry("spinlocks", "8191").containsEntry("relaxed", "on");
        assertThat(cad.clock().offset()).isEqualTo("localtime");
        assertThat(cad.disks()).hasSize(2);
        assertThat(cad.disks().get(0).bootOrder()).contains(1);
        assertThat(cad.disks().get(1).readOnly()).isTrue();
        assertThat(cad.nics().get(0).mac()).contains("52:54:00:6a:10:01");
        assertThat(cad.nics().get(0).model()).isEqualTo("e1000e");
        assertThat(codes(cad)).contains("TPM_STATE_NOT_CARRIED", "NVRAM_NOT_CARRIED",
                "CPU_HOST_PASSTHROUGH").doesNotContain("GPU_MDEV_MISSING", "GPU_TYPE_NAME_UNKNOWN");

        Vm render = vm(inv, "render-02");
        assertThat(render.gpus()).hasSize(2).allSatisfy(g -> {
            assertThat(g.kind()).isEqualTo(GpuKind.VGPU);
            assertThat(g.mdevType()).contains("nvidia-596");
            assertThat(g.mdevTypeName()).contains("NVIDIA A10-12Q");
            assertThat(g.pciAddress()).contains("0000:65:00.0");
            assertThat(g.display()).isFalse();
        });
        assertThat(render.cpu().topology().sockets()).isEqualTo(2);
        assertThat(render.disks().get(0).bootOrder()).contains(1);

        Vm train = vm(inv, "train-03");
        assertThat(train.gpus()).singleElement().satisfies(g -> {
            assertThat(g.kind()).isEqualTo(GpuKind.PASSTHROUGH);
            assertThat(g.vendorDevice()).contains("10de:2330");
            assertThat(g.productName()).contains("GH100 [H100 SXM5 80GB]");
            assertThat(g.pciAddress()).contains("0000:ca:00.0");
        });
        assertThat(train.memory().hugepageBytes()).contains(GIB);
        assertThat(train.memory().numaMode()).contains("strict");
        assertThat(train.cpu().pinning()).hasSize(2);
        // Hugepages are the converter's to judge (HUGEPAGES / HUGEPAGES_DROPPED); macvtap waits for a mapping.
        assertThat(codes(train)).contains("CPU_PINNED", "NUMA_TUNED", "NIC_DIRECT").doesNotContain("HUGEPAGES");
        assertThat(train.hostDevices()).isEmpty();

        Vm orphan = vm(inv, "orphan-vgpu-05");
        assertThat(orphan.gpus()).singleElement().satisfies(g -> {
            assertThat(g.mdevUuid()).contains("deadbeef-0000-4000-8000-000000000005");
            assertThat(g.mdevType()).isEmpty();
        });
        assertThat(orphan.concerns()).filteredOn(c -> c.code().equals("GPU_MDEV_MISSING")).singleElement()
                .satisfies(c -> {
                    assertThat(c.field()).isEqualTo(Optional.of("gpus[0]"));
                    assertThat(c.message()).startsWith("VM orphan-vgpu-05: ")
                            .contains("deadbeef-0000-4000-8000-000000000005");
                    // A gpus mapping may still name it: the scan warns, the converter decides.
                    assertThat(c.severity()).isEqualTo(Severity.WARNING);
                });
        assertThat(orphan.blocked()).isFalse();

        Vm legacy = vm(inv, "legacy-db-04");
        // i440fx, the IDE bus and the watchdog are what the target changes: the converter reports them.
        assertThat(codes(legacy)).doesNotContain("MACHINE_CHANGED", "DISK_BUS_CHANGED", "WATCHDOG_DROPPED");
        assertThat(legacy.memory().bytes()).isEqualTo(4096L << 20);
        assertThat(legacy.gpus()).isEmpty();
        assertThat(legacy.watchdog()).hasValueSatisfying(w -> assertThat(w.model()).isEqualTo("i6300esb"));
    }
}
