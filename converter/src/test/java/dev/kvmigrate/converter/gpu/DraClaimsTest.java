package dev.kvmigrate.converter.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.converter.VmFixtures;
import dev.kvmigrate.converter.mapping.DraMapping;
import dev.kvmigrate.converter.mapping.EvictionStrategy;
import dev.kvmigrate.converter.mapping.GpuTarget;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.converter.mapping.MappingsReader;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.Vm;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which GPUs DRA claims, with which selector; what stays on the device plugin and why; eviction strategies. */
class DraClaimsTest {
    private static final String A2 = "device.attributes['gpu.nvidia.com'].vendorID == \"0x10de\""
            + " && device.attributes['gpu.nvidia.com'].deviceID == \"0x25b6\"";

    private static Vm gpuVm(Gpu gpu) {
        return VmFixtures.vm("a").withGpus(List.of(gpu));
    }

    @Test
    void anNvidiaPassthroughGpuWithIdsIsSelectedByThem() {
        assertThat(DraClaims.selector(DeviceResolverTest.passthrough("10DE", "25B6", null), DraMapping.NONE))
                .contains(A2);
    }

    @Test
    void aMappedSelectorWinsAndAdmitsAnotherVendor() {
        DraMapping dra = new DraMapping(Optional.empty(), Map.of("1002:74a1", "device.driver == \"amd\""));
        assertThat(DraClaims.selector(DeviceResolverTest.passthrough("1002", "74a1", null), dra))
                .contains("device.driver == \"amd\"");
        assertThat(DraClaims.selector(DeviceResolverTest.passthrough("1002", "74a1", null), DraMapping.NONE))
                .isEmpty();
    }

    @Test
    void vgpusAndGpusWithoutIdsAreNotSelectable() {
        assertThat(DraClaims.selector(DeviceResolverTest.vgpu("nvidia-230", "GRID T4-1Q"), DraMapping.NONE))
                .isEmpty();
        assertThat(DraClaims.selector(DeviceResolverTest.sriovVgpu("NVIDIA L40S-8Q"), DraMapping.NONE)).isEmpty();
        assertThat(DraClaims.selector(DeviceResolverTest.passthrough("10de", null, null), DraMapping.NONE))
                .isEmpty();
    }

    @Test
    void inDraModeTheResolverClaimsThePassthroughGpuAndTheSummarySaysWhyTheOthersStay() {
        Mappings mappings = MappingsReader.parse("gpus:\n  10de:1234: nvidia.com/X\n", "m.yaml")
                .withGpuTarget(GpuTarget.DRA);
        DeviceRequest claimed = DeviceResolver.resolve(gpuVm(
                DeviceResolverTest.passthrough("10de", "25b6", "GA107GL [A2 / A16]")), mappings).gpus().get(0);
        assertThat(claimed.isDra()).isTrue();
        assertThat(claimed.resource()).isEqualTo("vfio.gpu.nvidia.com");
        assertThat(claimed.draSelector()).contains(A2);

        DeviceRequest vgpu = DeviceResolver.resolve(gpuVm(
                DeviceResolverTest.vgpu("nvidia-230", "GRID T4-1Q")), mappings).gpus().get(0);
        DeviceRequest noIds = new DeviceRequest(DeviceRequest.Kind.PASSTHROUGH_GPU, "nvidia.com/X", Optional.empty(),
                Optional.empty(), Optional.empty(), false, false);
        AdminPatch patch = AdminPatch.of(List.of(new AdminPatch.VmDevices("a", List.of(claimed, vgpu, noIds),
                false)), mappings);
        assertThat(patch.patch().findValuesAsText("resourceName")).containsExactly("nvidia.com/GRID_T4-1Q");
        assertThat(patch.summary()).contains("`vfio.gpu.nvidia.com`: 1 GPU(s) for a",
                "a gpu1 stays on the device plugin as `nvidia.com/GRID_T4-1Q`: a vGPU",
                "a gpu2 stays on the device plugin as `nvidia.com/X`: its PCI vendor/device id is unknown");
    }

    @Test
    void evictionIsNoneForDevicesThatCannotMigrateUnlessMapped() {
        DeviceRequest vgpu = new DeviceRequest(DeviceRequest.Kind.VGPU, "nvidia.com/A", Optional.of("A"),
                Optional.of("nvidia-1"), Optional.empty(), true, true);
        DeviceRequest hostDevice = new DeviceRequest(DeviceRequest.Kind.PCI_HOST_DEVICE, "intel.com/igb",
                Optional.empty(), Optional.empty(), Optional.of("8086:10c9"), false, false);
        assertThat(Eviction.strategy(List.of(), Optional.empty())).isEmpty();
        assertThat(Eviction.strategy(List.of(vgpu), Optional.empty())).contains(EvictionStrategy.NONE);
        assertThat(Eviction.reason(List.of(vgpu))).hasValueSatisfying(r -> assertThat(r)
                .contains("VGPULiveMigration"));
        assertThat(Eviction.reason(List.of(vgpu, hostDevice))).hasValueSatisfying(r -> assertThat(r)
                .contains("never live-migrates"));
        // LiveMigrate is refused where the VM can never migrate: a drain would hang
        assertThat(Eviction.strategy(List.of(hostDevice), Optional.of(EvictionStrategy.LIVE_MIGRATE)))
                .contains(EvictionStrategy.NONE);
        assertThat(Eviction.liveMigrateRefused(List.of(hostDevice), Optional.of(EvictionStrategy.LIVE_MIGRATE)))
                .isTrue();
        assertThat(Eviction.strategy(List.of(vgpu, vgpu), Optional.of(EvictionStrategy.LIVE_MIGRATE)))
                .contains(EvictionStrategy.NONE);
        assertThat(Eviction.strategy(List.of(hostDevice), Optional.of(EvictionStrategy.LIVE_MIGRATE_IF_POSSIBLE)))
                .contains(EvictionStrategy.LIVE_MIGRATE_IF_POSSIBLE);
        AdminPatch patch = AdminPatch.of(List.of(new AdminPatch.VmDevices("a", List.of(hostDevice), false)),
                MappingsReader.parse("evictionStrategy: LiveMigrate\n", "m.yaml"));
        assertThat(patch.summary()).contains("The mappings set `LiveMigrate`: VMs with a single vGPU live-migrate,"
                + " the others get `None` so drains finish.", "- a: `None`, a passthrough GPU or host device never"
                + " live-migrates (the mappings' LiveMigrate would block drains)");
        assertThat(patch.patch().toString()).doesNotContain(Eviction.GATE_VGPU_LIVE_MIGRATION);
    }

    @Test
    void aSingleVgpuVmOptsIntoLiveMigrationWithTheGateAndRwxStorageNamed() {
        DeviceRequest vgpu = new DeviceRequest(DeviceRequest.Kind.VGPU, "nvidia.com/A", Optional.of("A"),
                Optional.of("nvidia-1"), Optional.empty(), true, true);
        Optional<EvictionStrategy> live = Optional.of(EvictionStrategy.LIVE_MIGRATE);
        assertThat(Eviction.strategy(List.of(vgpu), live)).contains(EvictionStrategy.LIVE_MIGRATE);
        assertThat(Eviction.needsGate(List.of(vgpu), live)).isTrue();
        assertThat(Eviction.needsGate(List.of(vgpu), Optional.empty())).isFalse();
        AdminPatch patch = AdminPatch.of(List.of(new AdminPatch.VmDevices("cad", List.of(vgpu), false)),
                MappingsReader.parse("evictionStrategy: LiveMigrate\n", "m.yaml"));
        assertThat(patch.patch().at("/spec/configuration/developerConfiguration/featureGates").toString())
                .isEqualTo("[\"VGPULiveMigration\"]");
        assertThat(patch.summary()).contains("- cad: `LiveMigrate`, live-migrates its vGPU behind VGPULiveMigration",
                "ReadWriteMany (RWX)");
    }
}
