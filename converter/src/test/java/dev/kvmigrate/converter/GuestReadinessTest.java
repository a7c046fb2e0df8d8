package dev.kvmigrate.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvmigrate.converter.gpu.DeviceRequest;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.converter.mapping.MappingsReader;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Cpu;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskBus;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.DiskFormat;
import dev.kvmigrate.inventory.model.DiskSource;
import dev.kvmigrate.inventory.model.Firmware;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Memory;
import dev.kvmigrate.inventory.model.Nic;
import dev.kvmigrate.inventory.model.NicType;
import dev.kvmigrate.inventory.model.Severity;
import dev.kvmigrate.inventory.model.SourceKind;
import dev.kvmigrate.inventory.model.SourceRef;
import dev.kvmigrate.inventory.model.Vm;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The guest-readiness decision table: which guests get SATA disks and e1000e NICs (Windows, VMware devices), the
 * virtio mapping that suppresses it, NIC renames, and the guest drivers GPU replacements need.
 */
class GuestReadinessTest {
    private static final Mappings NONE = Mappings.NONE;

    static Disk disk(String target, DiskBus bus) {
        return new Disk(target, DiskDevice.DISK, DiskSource.file("/var/lib/images/" + target + ".qcow2"),
                DiskFormat.QCOW2, Optional.of(10L << 30), Optional.empty(), bus, Optional.empty(), false, false,
                Optional.empty(), Optional.empty());
    }

    static Nic nic(String name, String mac, String model) {
        return new Nic(Optional.of(name), Optional.ofNullable(mac), model, NicType.NETWORK, name,
                Optional.empty(), true);
    }

    /** Mappings sending the NICs attached to {@code networks} to Multus bridges (the pod network takes one NIC). */
    static Mappings bridges(String... networks) {
        StringBuilder yaml = new StringBuilder("networks:\n");
        for (String n : networks) {
            yaml.append("  '").append(n).append("': {type: bridge, nad: ns/lan}\n");
        }
        return MappingsReader.parse(yaml.toString(), "m");
    }

    static Vm vm(String name, String os, String machine, List<Disk> disks, List<Nic> nics, List<Gpu> gpus) {
        return new Vm("id-" + name, name, null, null, null, null, Cpu.simple(2), Memory.of(2L << 30),
                Firmware.bios(Optional.of(machine)), Optional.ofNullable(os), null, null, disks, nics, gpus, null,
                null, null, null, null, null, null, 0, null);
    }

    static ConversionResult result(Vm vm, Mappings mappings) {
        Inventory inv = Inventory.of(new SourceRef(SourceKind.XML_DUMP, "/tmp/dump"), Optional.empty(), List.of(vm));
        return Converter.convert(inv, VmSelector.ALL, mappings, ConvertOptions.DEFAULTS);
    }

    static MigrationUnit convert(Vm vm, Mappings mappings) {
        return result(vm, mappings).vm(vm.name()).orElseThrow();
    }

    static JsonNode devices(MigrationUnit unit) {
        return unit.virtualMachine().orElseThrow().tree().at("/spec/template/spec/domain/devices");
    }

    static List<String> codes(MigrationUnit unit) {
        return unit.concerns().stream().map(Concern::code).toList();
    }

    static Optional<Concern> concern(MigrationUnit unit, String code) {
        return unit.concerns().stream().filter(c -> c.code().equals(code)).findFirst();
    }

    @Test
    void aLinuxGuestWithVirtioKeepsVirtioWithoutAConcern() {
        MigrationUnit unit = convert(vm("web", "http://centos.org/centos/9", "pc-q35-7.2",
                List.of(disk("vda", DiskBus.VIRTIO)), List.of(nic("net0", "52:54:00:00:00:01", "virtio")), List.of()),
                NONE);
        assertThat(devices(unit).at("/disks/0/disk/bus").asText()).isEqualTo("virtio");
        assertThat(devices(unit).at("/interfaces/0/model").asText()).isEqualTo("virtio");
        assertThat(codes(unit)).doesNotContain("GUEST_COMPAT_DEVICES", "NIC_RENAME_LIKELY", "DISK_BUS_CHANGED",
                "NIC_MODEL_CHANGED");
    }

    @Test
    void aLinuxGuestWithAnUnknownBusAndModelGetsVirtioAsBefore() {
        MigrationUnit unit = convert(vm("old", "http://debian.org/debian/12", "pc-i440fx-7.2",
                List.of(disk("xvda", DiskBus.XEN)), List.of(nic("net0", "52:54:00:00:00:01", "i82551")), List.of()),
                NONE);
        assertThat(devices(unit).at("/disks/0/disk/bus").asText()).isEqualTo("virtio");
        assertThat(devices(unit).at("/interfaces/0/model").asText()).isEqualTo("virtio");
        assertThat(codes(unit)).contains("DISK_BUS_CHANGED", "NIC_MODEL_CHANGED", "NIC_RENAME_LIKELY")
                .doesNotContain("GUEST_COMPAT_DEVICES");
    }

    @Test
    void aWindowsGuestGetsSataAndE1000eForWhatWasNotVirtioWithOneConcern() {
        MigrationUnit unit = convert(vm("win-app", "http://microsoft.com/win/2k19", "pc-q35-7.2",
                List.of(disk("vda", DiskBus.VIRTIO), disk("sda", DiskBus.SCSI), disk("xvdb", DiskBus.XEN)),
                List.of(nic("net0", "52:54:00:00:00:01", "virtio"), nic("net1", "52:54:00:00:00:02", "i82551")),
                List.of()), bridges("net1"));
        assertThat(devices(unit).findValues("bus")).extracting(JsonNode::asText)
                .containsExactly("virtio", "sata", "sata");
        assertThat(devices(unit).findValues("model")).extracting(JsonNode::asText)
                .containsExactly("virtio", "e1000e");
        assertThat(unit.concerns()).filteredOn(c -> c.code().equals("GUEST_COMPAT_DEVICES")).singleElement()
                .satisfies(c -> {
                    assertThat(c.severity()).isEqualTo(Severity.WARNING);
                    assertThat(c.message()).startsWith("VM win-app: disks sda, xvdb on sata, NIC net1 e1000e because"
                            + " it is a Windows guest (http://microsoft.com/win/2k19)")
                            .contains("virtioDrivers: true").doesNotContain("vda", "net0");
                });
        // The compatible choice is reported once, not again as a bus or model change.
        assertThat(codes(unit)).doesNotContain("DISK_BUS_CHANGED", "NIC_MODEL_CHANGED");
        assertThat(unit.concerns()).filteredOn(c -> c.code().equals("NIC_RENAME_LIKELY")).singleElement()
                .satisfies(c -> assertThat(c.message()).contains("NIC net1", "i82551 becomes e1000e"));
    }

    @Test
    void aVmwareLinuxGuestWithScsiAndVmxnetGetsCompatibleDevices() {
        MigrationUnit unit = convert(vm("centos", "centos64Guest", "vmx-13", List.of(disk("Hard disk 1", DiskBus.SCSI)),
                List.of(nic("Network adapter 1", "00:50:56:00:00:01", "vmxnet3"),
                        nic("Network adapter 2", "00:50:56:00:00:02", "e1000"),
                        nic("Network adapter 3", "00:50:56:00:00:03", "e1000e")), List.of()),
                bridges("Network adapter 2", "Network adapter 3"));
        assertThat(devices(unit).at("/disks/0/disk/bus").asText()).isEqualTo("sata");
        assertThat(devices(unit).findValues("model")).extracting(JsonNode::asText)
                .containsExactly("e1000e", "e1000e", "e1000e");
        assertThat(concern(unit, "GUEST_COMPAT_DEVICES")).get().satisfies(c -> assertThat(c.message())
                .contains("disk Hard disk 1 on sata", "NICs Network adapter 1, Network adapter 2 e1000e",
                        "comes from VMware (vmx-13) with SCSI disks and vmxnet3 NICs and e1000 NICs")
                .doesNotContain("Windows", "Network adapter 3"));
        assertThat(unit.concerns()).filteredOn(c -> c.code().equals("NIC_RENAME_LIKELY"))
                .extracting(c -> c.field().orElseThrow()).containsExactly("nics[0]", "nics[1]");
    }

    @Test
    void aMacGuestIsNotTakenForWindows() {
        MigrationUnit unit = convert(vm("mac", "darwin64Guest", "pc-q35-7.2", List.of(disk("vda", DiskBus.XEN)),
                List.of(nic("net0", "52:54:00:00:00:01", "virtio")), List.of()), NONE);
        assertThat(devices(unit).at("/disks/0/disk/bus").asText()).isEqualTo("virtio");
        assertThat(devices(unit).path("tpm").isMissingNode()).isTrue();
        assertThat(codes(unit)).doesNotContain("GUEST_COMPAT_DEVICES", "TPM_ADDED");
    }

    @Test
    void aVmwareGuestWhoseDevicesKubevirtKeepsNeedsNothing() {
        MigrationUnit unit = convert(vm("appliance", "otherLinux64Guest", "vmx-19",
                List.of(disk("Hard disk 1", DiskBus.SATA)), List.of(nic("Network adapter 1", "00:50:56:00:00:01",
                        "e1000e")), List.of()), NONE);
        assertThat(devices(unit).at("/disks/0/disk/bus").asText()).isEqualTo("sata");
        assertThat(codes(unit)).doesNotContain("GUEST_COMPAT_DEVICES", "NIC_RENAME_LIKELY");
    }

    @Test
    void theVirtioMappingSuppressesCompatibleDevices() {
        Vm vm = vm("win-db", "windows2019srv_64Guest", "vmx-15", List.of(disk("Hard disk 1", DiskBus.SCSI)),
                List.of(nic("Network adapter 1", "00:50:56:00:00:01", "vmxnet3")), List.of());
        MigrationUnit unit = convert(vm, MappingsReader.parse("guests:\n  win-*: {virtioDrivers: true}\n", "m"));
        assertThat(devices(unit).at("/disks/0/disk/bus").asText()).isEqualTo("scsi");
        assertThat(devices(unit).at("/interfaces/0/model").asText()).isEqualTo("virtio");
        assertThat(codes(unit)).doesNotContain("GUEST_COMPAT_DEVICES").contains("NIC_MODEL_CHANGED",
                "NIC_RENAME_LIKELY");
        // An exact entry wins over a glob; false keeps the compatible devices.
        MigrationUnit exact = convert(vm, MappingsReader.parse(
                "guests:\n  win-*: {virtioDrivers: true}\n  win-db: {virtioDrivers: false}\n", "m"));
        assertThat(devices(exact).at("/disks/0/disk/bus").asText()).isEqualTo("sata");
        assertThat(codes(exact)).contains("GUEST_COMPAT_DEVICES");
    }

    @Test
    void aGlobThatDoesNotMatchLeavesTheGuestCompatible() {
        Mappings m = MappingsReader.parse("guests:\n  'web-?': {virtioDrivers: true}\n  '*': {virtioDrivers: false}\n",
                "m");
        assertThat(m.virtioDrivers("web-1")).isTrue();
        assertThat(m.virtioDrivers("web-10")).isFalse();
        assertThat(Mappings.NONE.virtioDrivers("web-1")).isFalse();
    }

    @Test
    void aNicWhoseMacIsNotCarriedIsLikelyRenamed() {
        MigrationUnit unit = convert(vm("nomac", "http://centos.org/centos/9", "pc-q35-7.2",
                List.of(disk("vda", DiskBus.VIRTIO)), List.of(nic("net0", null, "virtio")), List.of()), NONE);
        assertThat(concern(unit, "NIC_RENAME_LIKELY")).get().satisfies(c -> {
            assertThat(c.severity()).isEqualTo(Severity.WARNING);
            assertThat(c.message()).startsWith("VM nomac: NIC net0 on 'net0': the source gives no MAC")
                    .contains("rename", "static IP");
        });
    }

    @Test
    void guestsEntriesAreValidatedNamingTheField() {
        assertThatThrownBy(() -> MappingsReader.parse("guests:\n  a: {}\n", "m.yaml"))
                .hasMessageContaining("virtioDrivers");
        assertThatThrownBy(() -> MappingsReader.parse("guests:\n  a: {virtio: true}\n", "m.yaml"))
                .hasMessageContaining("virtio");
        assertThatThrownBy(() -> MappingsReader.parse("guests:\n  a: {virtioDrivers: maybe}\n", "m.yaml"))
                .hasMessageContaining("virtioDrivers");
    }

    static Gpu mdev(String typeId, String typeName) {
        return new Gpu(GpuKind.VGPU, Optional.of("4b20d080-1b54-4048-85b3-a6a62d165c01"), Optional.of(typeId),
                Optional.of(typeName), Optional.of("0000:3b:00.0"), Optional.of("10de"), Optional.of("1eb8"),
                Optional.empty(), true, true, Optional.empty());
    }

    static Gpu passthrough(String device, String product) {
        return new Gpu(GpuKind.PASSTHROUGH, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("0000:ca:00.0"), Optional.of("10de"), Optional.of(device), Optional.of(product), false,
                false, Optional.empty());
    }

    static Vm gpuVm(Gpu gpu) {
        return vm("render", "http://ubuntu.com/ubuntu/22.04", "pc-q35-7.2", List.of(disk("vda", DiskBus.VIRTIO)),
                List.of(nic("net0", "52:54:00:00:00:01", "virtio")), List.of(gpu));
    }

    @Test
    void anMdevVgpuMappedToAnSriovVgpuNeedsTheSeventeenBranch() {
        ConversionResult result = result(gpuVm(mdev("nvidia-230", "GRID T4-1Q")), MappingsReader.parse("""
                gpus:
                  nvidia-230: devices.kubevirt.io/l40s-8q
                gpuReplacements:
                  nvidia-230: {sriovVf: 10DE:26B9}
                nodeGroups:
                  10de:26b9: {gpu-profile: l40s-8q}
                """, "m"));
        MigrationUnit unit = result.vm("render").orElseThrow();
        // KubeVirt's own PCI device plugin serves the VFs; no mediated device type is created for it.
        JsonNode permitted = result.adminPatch().patch().at("/spec/configuration/permittedHostDevices");
        assertThat(permitted.path("pciHostDevices")).singleElement().satisfies(e -> {
            assertThat(e.path("pciVendorSelector").asText()).isEqualTo("10DE:26B9");
            assertThat(e.path("resourceName").asText()).isEqualTo("devices.kubevirt.io/l40s-8q");
            assertThat(e.path("externalResourceProvider").asBoolean(true)).isFalse();
        });
        assertThat(permitted.path("mediatedDevices").isMissingNode()).isTrue();
        assertThat(unit.blockers()).isEmpty();
        assertThat(unit.devices()).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo(DeviceRequest.Kind.PASSTHROUGH_GPU);
            assertThat(r.resource()).isEqualTo("devices.kubevirt.io/l40s-8q");
            assertThat(r.vendorDevice()).contains("10de:26b9");
            assertThat(r.kubevirtProvided()).isTrue();
            assertThat(r.mdevTypeId()).isEmpty();
        });
        assertThat(devices(unit).at("/gpus/0/virtualGPUOptions").isMissingNode()).isTrue();
        assertThat(unit.virtualMachine().orElseThrow().tree().at("/spec/template/spec/nodeSelector/gpu-profile")
                .asText()).isEqualTo("l40s-8q");
        assertThat(concern(unit, "GPU_GUEST_DRIVER_BRANCH")).get().satisfies(c -> {
            assertThat(c.severity()).isEqualTo(Severity.WARNING);
            assertThat(c.field()).contains("gpus[0]");
            assertThat(c.message()).startsWith("VM render: gpus[0] (vGPU GRID T4-1Q, a mediated device) becomes an"
                    + " SR-IOV vGPU on VFs 10de:26b9").contains("17.x branch", "vGPU manager");
        });
        // The source had a display: SR-IOV vGPUs get one only from KubeVirt v1.9.
        assertThat(codes(unit)).contains("GPU_SRIOV_DISPLAY").doesNotContain("GPU_SRIOV_NO_NODE_GROUP");
    }

    @Test
    void anMdevVgpuWithoutAReplacementHasNoDriverConcern() {
        MigrationUnit unit = convert(gpuVm(mdev("nvidia-230", "GRID T4-1Q")), NONE);
        assertThat(unit.devices()).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo(DeviceRequest.Kind.VGPU);
            assertThat(r.resource()).isEqualTo("nvidia.com/GRID_T4-1Q");
        });
        assertThat(codes(unit)).doesNotContain("GPU_GUEST_DRIVER_BRANCH", "GPU_GUEST_DRIVER_PRODUCT");
    }

    @Test
    void anSriovReplacementWithoutAResourceBlocks() {
        MigrationUnit unit = convert(gpuVm(mdev("nvidia-230", "GRID T4-1Q")),
                MappingsReader.parse("gpuReplacements:\n  GRID T4-1Q: {sriovVf: 10de:26b9}\n", "m"));
        assertThat(unit.blockers()).extracting(Concern::code).containsExactly("GPU_SRIOV_UNMAPPED");
        assertThat(codes(unit)).contains("GPU_GUEST_DRIVER_BRANCH");
    }

    @Test
    void aPassthroughGpuSentToAnotherProductNeedsADriverForIt() {
        MigrationUnit unit = convert(gpuVm(passthrough("1eb8", "TU104GL [Tesla T4]")), MappingsReader.parse("""
                gpus:
                  10de:1eb8: nvidia.com/GA102GL_A10
                gpuReplacements:
                  10de:1eb8: {device: 10de:2236}
                """, "m"));
        assertThat(unit.blockers()).isEmpty();
        assertThat(unit.devices()).singleElement().satisfies(r -> {
            assertThat(r.resource()).isEqualTo("nvidia.com/GA102GL_A10");
            assertThat(r.vendorDevice()).contains("10de:2236");
        });
        assertThat(concern(unit, "GPU_GUEST_DRIVER_PRODUCT")).get().satisfies(c -> assertThat(c.message())
                .startsWith("VM render: gpus[0] (passthrough 10de:1eb8 TU104GL [Tesla T4]) is served by another"
                        + " product on the target (10de:2236)"));
        // The same product is no change.
        MigrationUnit same = convert(gpuVm(passthrough("1eb8", "TU104GL [Tesla T4]")),
                MappingsReader.parse("gpuReplacements:\n  10de:1eb8: {device: 10de:1eb8}\n", "m"));
        assertThat(codes(same)).doesNotContain("GPU_GUEST_DRIVER_PRODUCT");
        assertThat(same.devices()).singleElement().satisfies(r -> assertThat(r.resource())
                .isEqualTo("nvidia.com/TU104GL_TESLA_T4"));
    }

    @Test
    void aReplacedGpusEntryMayBeKeyedByTheTargetDevice() {
        Mappings m = MappingsReader.parse("""
                gpus:
                  10de:2236: nvidia.com/GA102GL_A10
                gpuReplacements:
                  10de:1eb8: {device: 10de:2236}
                """, "m");
        Gpu t4 = passthrough("1eb8", "TU104GL [Tesla T4]");
        assertThat(dev.kvmigrate.converter.gpu.DeviceResolver.mappedResource(t4, m)).isEmpty();
        assertThat(dev.kvmigrate.converter.gpu.DeviceResolver.mappedResourceOrReplacement(t4, m))
                .contains("nvidia.com/GA102GL_A10");
        MigrationUnit unit = convert(gpuVm(t4), m);
        assertThat(unit.devices()).singleElement().satisfies(r -> assertThat(r.resource())
                .isEqualTo("nvidia.com/GA102GL_A10"));
        assertThat(codes(unit)).contains("GPU_GUEST_DRIVER_PRODUCT").doesNotContain("GPU_RESOURCE_FROM_DEVICE_ID");
    }

    @Test
    void gpuReplacementsAreValidatedNamingTheField() {
        assertThatThrownBy(() -> MappingsReader.parse("gpuReplacements:\n  nvidia-230: {}\n", "m"))
                .hasMessageContaining("sriovVf").hasMessageContaining("device");
        assertThatThrownBy(() -> MappingsReader.parse("gpuReplacements:\n  10de:1eb8: {sriovVf: 10de:26b9}\n", "m"))
                .hasMessageContaining("sriovVf is for an mdev vGPU");
        assertThatThrownBy(() -> MappingsReader.parse("gpuReplacements:\n  nvidia-230: {device: 10de:26b9}\n", "m"))
                .hasMessageContaining("device is for a passthrough GPU");
        assertThatThrownBy(() -> MappingsReader.parse("gpuReplacements:\n  nvidia-230: {sriovVf: l40s}\n", "m"))
                .hasMessageContaining("'l40s' is not a vendor:device");
    }
}
