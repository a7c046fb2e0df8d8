package dev.kvmigrate.converter.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.converter.mapping.Mappings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code mediatedDevicesConfiguration} sized from the converted VMs: types everywhere or per node group, the count
 * the nodes must hold of each, MIG-backed types flagged, {@code enabled} for KubeVirt v1.8+.
 */
class AdminPatchMdevTest {
    private static DeviceRequest vgpu(String id, String name, Map<String, String> group) {
        return new DeviceRequest(DeviceRequest.Kind.VGPU, "nvidia.com/" + name.replace(' ', '_'), Optional.of(name),
                Optional.of(id), Optional.empty(), false, false).withNodeSelector(group);
    }

    @Test
    void typesGoToTheirNodeGroupsAndTheSummaryCountsThem() {
        Map<String, String> mig = Map.of("nvidia.com/mig.config", "all-1g.10gb");
        List<AdminPatch.VmDevices> vms = List.of(
                new AdminPatch.VmDevices("train-1", List.of(vgpu("nvidia-700", "NVIDIA A100D-1-10C", mig)), false),
                new AdminPatch.VmDevices("train-2", List.of(vgpu("nvidia-700", "NVIDIA A100D-1-10C", mig)), false),
                new AdminPatch.VmDevices("cad", List.of(vgpu("nvidia-231", "GRID T4-2Q", Map.of())), false));
        AdminPatch p = AdminPatch.of(vms, Mappings.NONE);
        assertThat(p.patch().at("/spec/configuration/mediatedDevicesConfiguration").toString()).isEqualTo(
                "{\"mediatedDeviceTypes\":[\"nvidia-231\"],\"nodeMediatedDeviceTypes\":[{\"nodeSelector\":"
                        + "{\"nvidia.com/mig.config\":\"all-1g.10gb\"},\"mediatedDeviceTypes\":[\"nvidia-700\"]}]}");
        assertThat(p.summary()).contains(
                "| `nvidia-231` | `GRID T4-2Q` | 1 | every node with a card that offers it | cad |",
                "| `nvidia-700` | `NVIDIA A100D-1-10C` (MIG-backed) | 2 | labelled nvidia.com/mig.config=all-1g.10gb"
                        + " | train-1, train-2 |",
                "MIG-backed types need their GPU in MIG mode first");
        assertThat(MdevSizing.migBacked("NVIDIA A100D-1-10C")).isTrue();
        assertThat(MdevSizing.migBacked("A100-1-5C")).isTrue();
        assertThat(MdevSizing.migBacked("NVIDIA A100-40C")).isFalse();
        assertThat(MdevSizing.migBacked("GRID T4-2Q")).isFalse();
    }

    @Test
    void aV18ClusterGetsEnabledAndItsOwnGates() {
        ClusterGpus v18 = new ClusterGpus(Optional.of("v1.8.0"), Set.of("GPU"), Set.of(), List.of(), Map.of(),
                List.of(), List.of());
        AdminPatch p = AdminPatch.of(List.of(new AdminPatch.VmDevices("cad", List.of(vgpu("nvidia-231",
                "GRID T4-2Q", Map.of())), true)), Mappings.NONE, Optional.empty(), Optional.of(v18));
        assertThat(p.patch().at("/spec/configuration/mediatedDevicesConfiguration/enabled").asBoolean()).isTrue();
        assertThat(p.patch().at("/spec/configuration/developerConfiguration/featureGates").toString())
                .isEqualTo("[\"GPU\",\"VMPersistentState\"]");
        ClusterGpus v17 = new ClusterGpus(Optional.of("v1.7.3"), Set.of(), Set.of(), List.of(), Map.of(), List.of(),
                List.of());
        assertThat(AdminPatch.of(List.of(new AdminPatch.VmDevices("cad", List.of(vgpu("nvidia-231", "GRID T4-2Q",
                Map.of())), false)), Mappings.NONE, Optional.empty(), Optional.of(v17)).patch()
                .at("/spec/configuration/mediatedDevicesConfiguration/enabled").isMissingNode()).isTrue();
    }
}
