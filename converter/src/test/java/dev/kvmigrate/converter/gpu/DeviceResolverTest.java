package dev.kvmigrate.converter.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.converter.mapping.MappingsReader;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.HostDevice;
import dev.kvmigrate.inventory.model.HostDeviceKind;
import dev.kvmigrate.inventory.model.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeviceResolverTest {
    static Gpu vgpu(String typeId, String typeName) {
        return new Gpu(GpuKind.VGPU, Optional.of("u"), Optional.ofNullable(typeId), Optional.ofNullable(typeName),
                Optional.of("0000:3b:00.0"), Optional.of("10de"), Optional.of("1eb8"), Optional.empty(), true, true,
                Optional.empty());
    }

    static Gpu passthrough(String vendor, String device, String product) {
        return new Gpu(GpuKind.PASSTHROUGH, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("0000:ca:00.0"), Optional.ofNullable(vendor), Optional.ofNullable(device),
                Optional.ofNullable(product), false, false, Optional.empty());
    }

    static Gpu sriovVgpu(String profile) {
        return new Gpu(GpuKind.SRIOV_VGPU, Optional.empty(), Optional.empty(), Optional.ofNullable(profile),
                Optional.of("0000:41:00.4"), Optional.of("10de"), Optional.of("26b9"), Optional.of("AD102GL [L40S]"),
                false, false, Optional.empty(), Optional.of("0000:41:00.0"));
    }

    static final Mappings MAP = MappingsReader.parse("""
            gpus:
              nvidia-230: example.com/by-type-id
              GRID T4-8Q: example.com/by-type-name
              10DE:2330: example.com/by-vendor-device
              u: example.com/by-mdev-uuid
              NVIDIA L40S-8Q: devices.kubevirt.io/l40s-8q
            hostDevices:
              8086:10c9: intel.com/igb
            """, "test");

    static Stream<Arguments> gpuTable() {
        return Stream.of(
                Arguments.of("vGPU by type name", vgpu("nvidia-999", "GRID T4-1Q"), Mappings.NONE,
                        "nvidia.com/GRID_T4-1Q", null),
                Arguments.of("mapping by type id wins", vgpu("nvidia-230", "GRID T4-1Q"), MAP,
                        "example.com/by-type-id", null),
                Arguments.of("mapping by type name", vgpu("nvidia-233", "GRID T4-8Q"), MAP,
                        "example.com/by-type-name", null),
                Arguments.of("type id only, unmapped: blocker", vgpu("nvidia-231", null), Mappings.NONE, null,
                        "GPU_TYPE_NAME_UNKNOWN"),
                Arguments.of("type id only, mapped", vgpu("nvidia-230", null), MAP, "example.com/by-type-id", null),
                Arguments.of("uuid only: blocker", vgpu(null, null), Mappings.NONE, null, "GPU_MDEV_MISSING"),
                Arguments.of("uuid only, mapped by mdev UUID", vgpu(null, null), MAP, "example.com/by-mdev-uuid",
                        null),
                Arguments.of("passthrough by product", passthrough("10de", "1eb8", "TU104GL [Tesla T4]"),
                        Mappings.NONE, "nvidia.com/TU104GL_TESLA_T4", null),
                Arguments.of("passthrough mapped by vendor:device (any case)",
                        passthrough("10de", "2330", "GH100 [H100 SXM5 80GB]"), MAP, "example.com/by-vendor-device",
                        null),
                Arguments.of("passthrough unknown product: bare id + warning", passthrough("10de", "2235", null),
                        Mappings.NONE, "nvidia.com/2235", "GPU_RESOURCE_FROM_DEVICE_ID"),
                Arguments.of("passthrough without ids: blocker", passthrough("10de", null, null), Mappings.NONE,
                        null, "GPU_PRODUCT_UNKNOWN"),
                Arguments.of("non-NVIDIA GPU unmapped: blocker", passthrough("1002", "740f", "Aldebaran"),
                        Mappings.NONE, null, "GPU_PRODUCT_UNKNOWN"),
                Arguments.of("SR-IOV vGPU unmapped: blocker, never a derived name", sriovVgpu(null), Mappings.NONE,
                        null, "GPU_SRIOV_UNMAPPED"),
                Arguments.of("SR-IOV vGPU with a known profile but no mapping: blocker", sriovVgpu("NVIDIA L40S-8Q"),
                        Mappings.NONE, null, "GPU_SRIOV_UNMAPPED"),
                Arguments.of("SR-IOV vGPU mapped by profile", sriovVgpu("NVIDIA L40S-8Q"), MAP,
                        "devices.kubevirt.io/l40s-8q", null),
                Arguments.of("SR-IOV vGPU mapped by VF vendor:device",  sriovVgpu(null),
                        MappingsReader.parse("gpus:\n  10de:26b9: devices.kubevirt.io/l40s-vf\n", "test"),
                        "devices.kubevirt.io/l40s-vf", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gpuTable")
    void gpuResource(String title, Gpu gpu, Mappings map, String resource, String code) {
        List<Concern> concerns = new ArrayList<>();
        Optional<String> got = DeviceResolver.gpuResource("vm1", "gpus[0]", gpu, map, concerns);
        assertThat(got).isEqualTo(Optional.ofNullable(resource));
        assertThat(concerns).extracting(Concern::code).containsExactlyElementsOf(
                code == null ? List.of() : List.of(code));
        if (resource == null) {
            assertThat(concerns).allMatch(c -> c.severity() == Severity.BLOCKER && c.message().contains("vm1"));
        }
    }

    @Test
    void onlyTheFirstRamfbGpuKeepsRamfb() {
        var vm = dev.kvmigrate.converter.VmFixtures.vm("two").withGpus(List.of(vgpu(null, "NVIDIA A10-12Q"),
                vgpu(null, "NVIDIA A10-12Q")));
        DeviceResolver.Resolution r = DeviceResolver.resolve(vm, Mappings.NONE);
        assertThat(r.gpus()).extracting(DeviceRequest::ramfb).containsExactly(true, false);
        assertThat(r.concerns()).extracting(Concern::code).containsExactly("GPU_RAMFB_DROPPED");
    }

    @Test
    void pciHostDeviceNeedsAMapping() {
        HostDevice nic = new HostDevice(HostDeviceKind.PCI, Optional.of("0000:af:00.1"), Optional.of("8086"),
                Optional.of("10c9"), Optional.empty(), Optional.of("82576"), Optional.empty());
        HostDevice other = new HostDevice(HostDeviceKind.PCI, Optional.of("0000:af:00.2"), Optional.of("8086"),
                Optional.of("1572"), Optional.empty(), Optional.empty(), Optional.empty());
        HostDevice usb = new HostDevice(HostDeviceKind.USB, Optional.of("1.2"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
        var vm = dev.kvmigrate.converter.VmFixtures.vm("hd").withHostDevices(List.of(nic, other, usb));
        DeviceResolver.Resolution r = DeviceResolver.resolve(vm, MAP);
        assertThat(r.hostDevices()).extracting(DeviceRequest::resource).containsExactly("intel.com/igb");
        assertThat(r.concerns()).extracting(Concern::code, Concern::severity).containsExactly(
                org.assertj.core.groups.Tuple.tuple("HOSTDEV_UNMAPPED", Severity.BLOCKER),
                org.assertj.core.groups.Tuple.tuple("HOSTDEV_DROPPED", Severity.WARNING));
    }

    @Test
    void adminPatchPermitsHostDevicesWithTheGate() {
        DeviceRequest hd = new DeviceRequest(DeviceRequest.Kind.PCI_HOST_DEVICE, "intel.com/igb", Optional.empty(),
                Optional.empty(), Optional.of("8086:10c9"), false, false);
        AdminPatch p = AdminPatch.of(List.of(new AdminPatch.VmDevices("a", List.of(hd), false)), Mappings.NONE);
        assertThat(p.patch().toString()).contains("\"pciVendorSelector\":\"8086:10C9\"")
                .contains("\"externalResourceProvider\":false").contains("HostDevices")
                .doesNotContain("VMPersistentState");
        assertThat(AdminPatch.of(List.of(), Mappings.NONE).isEmpty()).isTrue();
    }

    @Test
    void vgpuMappedByTypeIdOnlyIsNamedInTheSummaryForTheAdmin() {
        DeviceRequest v = new DeviceRequest(DeviceRequest.Kind.VGPU, "example.com/x", Optional.empty(),
                Optional.of("nvidia-230"), Optional.empty(), true, false);
        AdminPatch p = AdminPatch.of(List.of(new AdminPatch.VmDevices("a", List.of(v), false)), Mappings.NONE);
        assertThat(p.patch().toString()).doesNotContain("permittedHostDevices").contains("nvidia-230");
        assertThat(p.summary()).contains("selector unknown").contains("example.com/x");
    }

    @Test
    void sriovVgpuIsAGpuThatKubevirtsPciPluginServes() {
        var vm = dev.kvmigrate.converter.VmFixtures.vm("l40s").withGpus(List.of(sriovVgpu(null)));
        DeviceResolver.Resolution r = DeviceResolver.resolve(vm,
                MappingsReader.parse("gpus:\n  10de:26b9: nvidia.com/L40S_8Q\n", "test"));
        assertThat(r.concerns()).extracting(dev.kvmigrate.inventory.model.Concern::code)
                .containsExactly("GPU_SRIOV_NO_NODE_GROUP");
        assertThat(r.gpus()).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo(DeviceRequest.Kind.PASSTHROUGH_GPU);
            assertThat(d.kubevirtProvided()).isTrue();
            assertThat(d.vendorDevice()).contains("10de:26b9");
            assertThat(d.mdevTypeId()).isEmpty();
        });
        AdminPatch p = AdminPatch.of(List.of(new AdminPatch.VmDevices("l40s", r.gpus(), false)), Mappings.NONE);
        // A pciHostDevices entry for the VF, served by KubeVirt's own plugin even under an nvidia.com/ name.
        assertThat(p.patch().at("/spec/configuration/permittedHostDevices/pciHostDevices/0").toString())
                .isEqualTo("{\"pciVendorSelector\":\"10DE:26B9\",\"resourceName\":\"nvidia.com/L40S_8Q\","
                        + "\"externalResourceProvider\":false}");
        assertThat(p.patch().toString()).doesNotContain("mediatedDevices");
        assertThat(p.patch().at("/spec/configuration/developerConfiguration").isMissingNode()).isTrue();
    }

    @Test
    void hostDevicesCanBeDroppedByMappingAndCompanionsAreNeverBlockers() {
        HostDevice audio = new HostDevice(HostDeviceKind.PCI, Optional.of("0000:03:00.1"), Optional.of("10de"),
                Optional.of("0fbc"), Optional.empty(), Optional.empty(), Optional.empty())
                .asCompanionOf("0000:03:00.0");
        HostDevice usb = new HostDevice(HostDeviceKind.USB, Optional.empty(), Optional.of("0b05"),
                Optional.of("190e"), Optional.empty(), Optional.empty(), Optional.empty());
        HostDevice gvt = new HostDevice(HostDeviceKind.MDEV, Optional.of("u2"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of("i915-GVTg_V5_4"));
        var vm = dev.kvmigrate.converter.VmFixtures.vm("hd").withHostDevices(List.of(audio, usb, gvt));
        DeviceResolver.Resolution unmapped = DeviceResolver.resolve(vm, Mappings.NONE);
        assertThat(unmapped.concerns()).extracting(Concern::code, Concern::severity).containsExactly(
                org.assertj.core.groups.Tuple.tuple("GPU_COMPANION_DROPPED", Severity.INFO),
                org.assertj.core.groups.Tuple.tuple("HOSTDEV_DROPPED", Severity.WARNING),
                org.assertj.core.groups.Tuple.tuple("HOSTDEV_UNMAPPED", Severity.BLOCKER));
        DeviceResolver.Resolution dropped = DeviceResolver.resolve(vm, MappingsReader.parse("""
                hostDevices:
                  10de:0fbc: drop
                  0b05:190e: drop
                  i915-GVTg_V5_4: drop
                """, "test"));
        assertThat(dropped.hostDevices()).isEmpty();
        assertThat(dropped.concerns()).extracting(Concern::code, Concern::severity).containsOnly(
                org.assertj.core.groups.Tuple.tuple("HOSTDEV_DROPPED_BY_MAPPING", Severity.INFO));
        assertThat(dropped.concerns()).hasSize(3);
    }
}
