package dev.kvmigrate.converter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.converter.mapping.MappingsReader;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.concern.ModelRules;
import dev.kvmigrate.inventory.concern.Stage;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Severity;
import dev.kvmigrate.inventory.model.SourceKind;
import dev.kvmigrate.inventory.model.SourceRef;
import dev.kvmigrate.inventory.model.Vm;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * "The scan warns, the converter decides": a GPU the scan could not name carries a warning in the inventory; the
 * conversion blocks the VM under the same code only when no {@code gpus} mapping names its resource.
 */
class DecidedWithMappingsTest {
    private static final SourceRef SOURCE = new SourceRef(SourceKind.LIBVIRT, "qemu:///system");
    private static final Optional<String> NONE = Optional.empty();

    static Stream<Arguments> unnamedGpus() {
        return Stream.of(
                Arguments.of("GPU_TYPE_NAME_UNKNOWN", new Gpu(GpuKind.VGPU, Optional.of("1d5a8e8c-2f0e-4b7c-9d61-3f2a"
                        + "0c9b7e11"), Optional.of("nvidia-231"), NONE, Optional.of("0000:3b:00.0"), Optional.of("10de"),
                        Optional.of("1eb8"), NONE, true, false, NONE), "nvidia-231", "nvidia.com/GRID_T4-2Q"),
                Arguments.of("GPU_PRODUCT_UNKNOWN", new Gpu(GpuKind.PASSTHROUGH, NONE, NONE, NONE,
                        Optional.of("0000:ca:00.0"), Optional.of("1002"), Optional.of("740f"), NONE, false, false,
                        NONE), "1002:740f", "amd.com/mi210"),
                Arguments.of("GPU_MDEV_MISSING", new Gpu(GpuKind.VGPU,
                        Optional.of("deadbeef-0000-4000-8000-000000000005"), NONE, NONE, NONE, NONE, NONE, NONE, false,
                        false, NONE), "deadbeef-0000-4000-8000-000000000005", "nvidia.com/NVIDIA_A10-12Q"));
    }

    /** A VM with one GPU and what the scan says about it, as the sources append it. */
    static Vm scanned(Gpu gpu) {
        Vm vm = VmFixtures.vm("gpu-vm").withGpus(List.of(gpu));
        return vm.withConcerns(ModelRules.check(vm));
    }

    static MigrationUnit convert(Vm vm, Mappings mappings) {
        Inventory inv = Inventory.of(SOURCE, Optional.empty(), List.of(vm));
        return Converter.convert(inv, VmSelector.ALL, mappings, ConvertOptions.DEFAULTS).vms().get(0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unnamedGpus")
    void theScanWarnsAndTheConverterBlocksUnderTheSameCodeWithoutAMapping(String code, Gpu gpu, String key,
            String resource) {
        Vm vm = scanned(gpu);
        assertThat(vm.concerns()).extracting(Concern::code, Concern::severity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(code, Severity.WARNING));
        assertThat(vm.blocked()).isFalse();

        MigrationUnit unit = convert(vm, Mappings.NONE);
        assertThat(unit.blocked()).isTrue();
        // Once, as the converter's blocker: the scan's warning is dropped.
        assertThat(unit.concerns()).filteredOn(c -> c.code().equals(code)).singleElement()
                .satisfies(c -> {
                    assertThat(c.severity()).isEqualTo(Severity.BLOCKER);
                    assertThat(c.field()).contains("gpus[0]");
                    assertThat(c.message()).startsWith("VM gpu-vm: ").contains(key);
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unnamedGpus")
    void aGpuMappingLiftsIt(String code, Gpu gpu, String key, String resource) {
        Mappings mappings = MappingsReader.parse("gpus:\n  '" + key + "': " + resource + "\n", "mappings.yaml");
        MigrationUnit unit = convert(scanned(gpu), mappings);
        assertThat(unit.blocked()).isFalse();
        assertThat(unit.concerns()).extracting(Concern::code).doesNotContain(code);
        assertThat(unit.devices()).extracting(d -> d.resource()).containsExactly(resource);
        assertThat(unit.virtualMachine().orElseThrow().tree().at("/spec/template/spec/domain/devices/gpus/0/deviceName")
                .asText()).isEqualTo(resource);
    }

    @Test
    void theUnitTellsTheScansConcernsThenTheConvertersEachFactOnce() {
        Vm vm = VmFixtures.vm("Legacy_DB").withGpus(List.of());
        Vm scanned = vm.withConcerns(List.of(ConcernCode.CPU_SHARES.at("cpu.shares", "VM Legacy_DB: CPU shares 2048"),
                ConcernCode.DISK_SIZE_UNKNOWN.warningAt("disks[0].virtualSize", "VM Legacy_DB: no size")));
        MigrationUnit unit = convert(scanned, Mappings.NONE);
        // The scan's own concern first (a warning for a re-decided code is gone: there is no disk to size), then the
        // converter's name change.
        assertThat(unit.concerns()).extracting(Concern::code).containsExactly("CPU_SHARES", "NAME_CHANGED");
        assertThat(unit.concerns()).extracting(Concern::code).doesNotHaveDuplicates();
        assertThat(unit.concerns().get(1).message()).contains("legacy-db");
    }

    @Test
    void aVmTheScanBlocksKeepsTheScansWarningsForTheConverterDidNotDecide() {
        Vm vm = VmFixtures.vm("arm-01").withGpus(List.of());
        Vm scanned = vm.withConcerns(List.of(ConcernCode.ARCH_UNSUPPORTED.at("firmware.arch", "VM arm-01: aarch64"),
                ConcernCode.GPU_TYPE_NAME_UNKNOWN.warningAt("gpus[0]", "VM arm-01: vGPU type nvidia-231")));
        MigrationUnit unit = convert(scanned, Mappings.NONE);
        assertThat(unit.blocked()).isTrue();
        assertThat(unit.concerns()).extracting(Concern::code, Concern::severity).containsExactly(
                org.assertj.core.groups.Tuple.tuple("ARCH_UNSUPPORTED", Severity.BLOCKER),
                org.assertj.core.groups.Tuple.tuple("GPU_TYPE_NAME_UNKNOWN", Severity.WARNING));
    }

    @Test
    void everyCodeTheConverterRaisesIsDecidedByIt() {
        assertThat(VmConverter.DECIDED_WITH_MAPPINGS).contains("GPU_MDEV_MISSING", "GPU_TYPE_NAME_UNKNOWN",
                "GPU_PRODUCT_UNKNOWN", "DISK_SIZE_UNKNOWN", "HOSTDEV_UNMAPPED", "DISK_SOURCE_UNREADABLE",
                "NIC_DIRECT", "NIC_HOSTDEV", "NIC_VHOSTUSER");
        assertThat(VmConverter.DECIDED_WITH_MAPPINGS).isEqualTo(ConcernCode.decidedBy(Stage.CONVERT));
    }
}
