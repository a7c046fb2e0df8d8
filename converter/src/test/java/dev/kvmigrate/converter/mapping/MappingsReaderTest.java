package dev.kvmigrate.converter.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MappingsReaderTest {
    static final String FULL = """
            networks:
              default: {type: pod}
              br-eng: {type: bridge, nad: eng/br-eng}
              ens1f0: {type: sriov, nad: sriov-a}
            storage:
              default: {storageClassName: standard, accessModes: [ReadWriteOnce]}
              pools:
                fast: {storageClassName: fast-ssd, volumeMode: Block}
              disks:
                vm1/vdb: {blank: true, size: 20Gi}
            gpus:
              10DE:2330: nvidia.com/H100
            hostDevices:
              8086:10c9: intel.com/igb
            instancetypes:
              default: {instancetype: u1.large, preference: rhel.9}
              vms:
                win: {instancetype: m1.xlarge, instancetypeKind: VirtualMachineInstancetype}
            """;

    @Test
    void theExampleOfDocsMappingsMdReadsWithItsGuestsAndGpuReplacements() throws java.io.IOException {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "mappings.md"));
        int start = doc.indexOf("```yaml\n") + "```yaml\n".length();
        Mappings m = MappingsReader.parse(doc.substring(start, doc.indexOf("```", start)), "docs/mappings.md");
        assertThat(m.virtioDrivers("win-app")).isTrue();
        assertThat(m.virtioDrivers("legacy-xp")).isFalse();
        assertThat(m.virtioDrivers("rhel-9")).isFalse();
        assertThat(m.gpuReplacement(List.of(Optional.of("nvidia-230")))).get()
                .satisfies(r -> assertThat(r.sriovVf()).contains("10de:26b9"));
        assertThat(m.gpuReplacement(List.of(Optional.of("10DE:1EB8")))).get()
                .satisfies(r -> assertThat(r.device()).contains("10de:2236"));
    }

    @Test
    void aHostDeviceCanBeMappedOrDropped() {
        Mappings m = MappingsReader.parse("""
                hostDevices:
                  10DE:0FBC: devices.kubevirt.io/gm107-audio
                  0b05:190e: drop
                  i915-GVTg_V5_4: drop
                """, "mappings.yaml");
        assertThat(m.hostDeviceResource(Optional.of("10de:0fbc"))).contains("devices.kubevirt.io/gm107-audio");
        assertThat(m.dropsHostDevice(Optional.of("10de:0fbc"))).isFalse();
        assertThat(m.hostDeviceResource(Optional.of("0b05:190e"))).isEmpty();
        assertThat(m.dropsHostDevice(Optional.of("0b05:190e"))).isTrue();
        assertThat(m.dropsHostDevice(Optional.of("i915-GVTg_V5_4"))).isTrue();
        assertThat(m.dropsHostDevice(Optional.of("8086:10c9"))).isFalse();
        assertThat(m.dropsHostDevice(Optional.empty())).isFalse();
    }

    @Test
    void gpuTargetDraAndEvictionStrategyHaveDefaultsAndAreRead() {
        assertThat(Mappings.NONE.gpuTarget()).isEqualTo(GpuTarget.AUTO);
        assertThat(MappingsReader.parse("gpuTarget: auto\n", "m.yaml").gpuTarget()).isEqualTo(GpuTarget.AUTO);
        assertThat(Mappings.NONE.dra().deviceClassOrDefault()).isEqualTo("vfio.gpu.nvidia.com");
        assertThat(Mappings.NONE.evictionStrategy()).isEmpty();
        Mappings m = MappingsReader.parse("""
                gpuTarget: dra
                evictionStrategy: External
                dra:
                  deviceClass: gpu.example.com
                  selectors:
                    10DE:25B6: device.attributes['gpu.nvidia.com'].productName == "NVIDIA A2"
                """, "m.yaml");
        assertThat(m.gpuTarget()).isEqualTo(GpuTarget.DRA);
        assertThat(m.evictionStrategy()).contains(EvictionStrategy.EXTERNAL);
        assertThat(m.dra().deviceClassOrDefault()).isEqualTo("gpu.example.com");
        assertThat(m.dra().selector("10de:25b6")).contains("device.attributes['gpu.nvidia.com'].productName"
                + " == \"NVIDIA A2\"");
        assertThat(m.withGpuTarget(GpuTarget.DEVICE_PLUGIN)).satisfies(o -> {
            assertThat(o.gpuTarget()).isEqualTo(GpuTarget.DEVICE_PLUGIN);
            assertThat(o.dra()).isEqualTo(m.dra());
            assertThat(o.evictionStrategy()).isEqualTo(m.evictionStrategy());
        });
    }

    @Test
    void readsEverySection() {
        Mappings m = MappingsReader.parse(FULL, "m.yaml");
        assertThat(m.network("br-eng")).contains(NetworkTarget.multus(NetworkTarget.Type.BRIDGE, "eng/br-eng"));
        assertThat(m.network("default")).contains(NetworkTarget.POD_NETWORK);
        assertThat(m.gpuResource(Optional.empty(), Optional.empty(), Optional.of("10de:2330")))
                .contains("nvidia.com/H100");
        assertThat(m.hostDeviceResource(Optional.of("8086:10c9"))).contains("intel.com/igb");
        assertThat(m.instancetypes().forVm("win").instancetypeKindOrDefault()).isEqualTo("VirtualMachineInstancetype");
        assertThat(m.instancetypes().forVm("other").instancetype()).contains("u1.large");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "vm1|vdb|fast|fast-ssd|Block|true|21474836480",
        "vm1|vda|fast|fast-ssd|Block|false|",
        "vm2|vda|slow|standard||false|",
        "vm2|vda||standard||false|"
    })
    void storageRulesOverrideFieldByField(String vm, String disk, String pool, String cls, String mode,
            boolean blank, Long size) {
        StorageRule r = MappingsReader.parse(FULL, "m.yaml").storageFor(vm, disk, Optional.ofNullable(pool));
        assertThat(r.storageClassName()).contains(cls);
        assertThat(r.volumeMode()).isEqualTo(Optional.ofNullable(mode));
        assertThat(r.accessModes()).isEqualTo(List.of("ReadWriteOnce"));
        assertThat(r.isBlank()).isEqualTo(blank);
        assertThat(r.sizeBytes()).isEqualTo(Optional.ofNullable(size));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"200Gi|214748364800", "500G|500000000000", "1.5Ti|1649267441664",
        "0.5Ki|512", "4096|4096"})
    void diskSizesAreKubernetesQuantities(String size, long bytes) {
        StorageRule r = MappingsReader.parse("storage:\n  disks:\n    a/b: {size: " + size + "}\n", "m.yaml")
                .storageFor("a", "b", Optional.empty());
        assertThat(r.sizeBytes()).contains(bytes);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'networks:\\n  a: {type: bridge}'|m.yaml:2:|needs 'nad",
        "'networks:\\n  a: {type: pod, nad: x/y}'|m.yaml:2:|takes no nad",
        "'networks:\\n  a: {type: tunnel}'|m.yaml:2:|tunnel",
        "'storage:\\n  default: {volumeMode: Blok}'|m.yaml:2:|Blok",
        "'storage:\\n  disks:\\n    a/b: {size: lots}'|m.yaml:3:|lots",
        "'storage:\\n  disks:\\n    a/b: {size: 10GB}'|m.yaml:3:|size '10GB' is not a size (did you mean 10G or 10Gi?",
        "'storage:\\n  disks:\\n    a/b: {size: -1Gi}'|m.yaml:3:|size '-1Gi' is negative",
        "'gpu:\\n  a: b'|m.yaml:2:|unknown field 'gpu' (known here:",
        "'gpus:\\n  nvidia-1: \"\"'|m.yaml:2:|no resource name",
        "'instancetypes:\\n  default: {instancetypeKind: Foo}'|m.yaml:2:|Foo",
        "'networks:\\n  a: \"x'|m.yaml:2:|quoted scalar",
        "'gpuTarget: automatic'|m.yaml:1:|automatic",
        "'nodeGroups:\n  10de:26b9: {}'|m.yaml:2:|has no node labels",
        "'evictionStrategy: Migrate'|m.yaml:1:|Migrate",
        "'dra:\\n  selectors:\\n    A2: x'|m.yaml:3:|not a vendor:device id",
        "'dra:\\n  selectors:\\n    10de:25b6: \"\"'|m.yaml:3:|no CEL expression",
        "'dra:\\n  deviceClass: \"\"'|m.yaml:2:|dra.deviceClass is empty"
    })
    void errorsNameFileLineAndFix(String yaml, String where, String what) {
        assertThatThrownBy(() -> MappingsReader.parse(yaml.replace("\\n", "\n"), "m.yaml"))
                .isInstanceOf(KvMigrateException.class)
                .hasMessageContaining(where).hasMessageContaining(what)
                .satisfies(e -> assertThat(((KvMigrateException) e).exitCode()).isEqualTo(ExitCode.INVALID_INPUT));
    }

    @Test
    void emptyFileIsNoMapping() {
        assertThat(MappingsReader.parse("  \n", "m.yaml")).isEqualTo(Mappings.NONE);
    }
}
