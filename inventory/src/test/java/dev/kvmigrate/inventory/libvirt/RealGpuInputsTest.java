package dev.kvmigrate.inventory.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.HostDevice;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GPU resolution over real host dumps ({@code ../shared/fixtures/real-2}, see its README for what each folder
 * reproduces) and over this repository's SR-IOV host shapes: per input, the GPUs, host devices and GPU/host-device
 * concern codes the scan must give.
 *
 * <p>The SR-IOV resources ({@code sriov-vgpu-host/}, {@code mdev-on-vf-host/}) follow the node-device XML libvirt
 * prints and documents in docs/formatnode.rst (https://libvirt.org/formatnode.html): a PF's
 * {@code <capability type='virt_functions' maxCount='N'>} listing VF {@code <address>}es, a VF's
 * {@code <capability type='phys_function'>} holding its PF's {@code <address>}, a parent's
 * {@code <capability type='mdev_types'>}, and an mdev's {@code <capability type='mdev'><type id/><uuid>}.
 *
 * <p>Rows: a GPU is {@code kind|mdev uuid|type id|type name|PCI address|vendor:device|product|PF}, a host device
 * {@code kind|address|vendor:device|product|class or mdev type|companion of}; {@code -} is absent.
 */
class RealGpuInputsTest {
    private static final String REAL = "fixtures/real-2/";
    private static final String D2 = REAL + "libvirt-derived/D2-passthrough-vdsm-host";
    private static final String D4 = REAL + "libvirt-derived/D4-vdsm-mdev-metadata";

    /**
     * One row: what goes into the dump directory (shared paths, or {@code res:} resource folders of this package),
     * an optional text replacement on the copied files, the VM, and what it must scan to.
     */
    record Row(String name, List<String> inputs, Optional<String[]> replace, String vm, List<String> gpus,
            List<String> hostDevices, List<String> codes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                row("1: GPU without <class> (libvirt < 6.x) + 2: its HDMI audio as a companion", List.of(D2), null,
                        "cad-passthrough",
                        List.of("PASSTHROUGH|-|-|-|0000:03:00.0|10de:13ba|GM107GL [Quadro K2200]|-"),
                        List.of("PCI|0000:03:00.1|10de:0fbc|-|-|0000:03:00.0"),
                        List.of("GPU_CLASS_INFERRED")),
                row("5: concatenated node-device dump (vdsm-concat) resolves the same GPU",
                        List.of(D2 + "/cad-passthrough.xml", REAL + "nodedev/vdsm-concat"), null, "cad-passthrough",
                        List.of("PASSTHROUGH|-|-|-|0000:03:00.0|10de:13ba|GM107GL [Quadro K2200]|-"),
                        List.of("PCI|0000:03:00.1|10de:0fbc|-|-|0000:03:00.0"),
                        List.of("GPU_CLASS_INFERRED")),
                row("3: vdsm metadata mdevType names a vanished vGPU (D4)", List.of(D4), null, "vm",
                        List.of("VGPU|c1f343ae-99a5-4d82-9d5c-203cd4b7dac0|nvidia-22|GRID M60-8Q|-|-|-|-"),
                        List.of(),
                        List.of("GPU_MDEV_TYPE_FROM_METADATA")),
                row("4: an Intel GVT-g type in vdsm metadata, no node device: a mediated host device, not a vGPU",
                        List.of(D4 + "/vm.xml"),
                        new String[] {"nvidia-22", "i915-GVTg_V5_4"}, "vm",
                        List.of(),
                        List.of("MDEV|c1f343ae-99a5-4d82-9d5c-203cd4b7dac0|-|-|i915-GVTg_V5_4|-"),
                        List.of("GPU_MDEV_TYPE_FROM_METADATA", "HOSTDEV_UNMAPPED")),
                row("4: an mdev with no node device and no recorded type (userdumps) is typeless",
                        List.of(REAL + "libvirt/userdumps/LATINO-BICEPS__vgpu_unlock_5.12__win10.xml"), null, "win10",
                        List.of("VGPU|1c1f3da7-b3c2-48f5-b948-9635f6797cad|-|-|-|-|-|-"),
                        List.of(),
                        List.of("GPU_MDEV_MISSING")),
                row("an NVIDIA mdev resolved through nova's node devices (D1)",
                        List.of(REAL + "libvirt-derived/D1-vgpu-nova-host"), null, "win10",
                        List.of("VGPU|4b20d080-1b54-4048-85b3-a6a62d165c01|nvidia-11|GRID M60-0B|0000:0a:01.5|10de:0ffe"
                                + "|GRID M60-0B|-"),
                        List.of(),
                        List.of()),
                row("an NVIDIA mdev whose parent is not dumped (D1)",
                        List.of(REAL + "libvirt-derived/D1-vgpu-nova-host"), null, "win10-b",
                        List.of("VGPU|b2107403-110c-45b0-af87-32cc91597b8a|nvidia-442|-|-|-|-|-"),
                        List.of(),
                        List.of("GPU_TYPE_NAME_UNKNOWN")),
                row("an Intel GPU passed through (nova, GVT-g capable) stays a PCI host device",
                        List.of(REAL + "libvirt-derived/D0-nova-combined/test_driver_L2397.xml",
                                REAL + "libvirt-derived/D0-nova-combined/libvirt_data_L1915.xml"), null, "dummy",
                        List.of(),
                        List.of("PCI|0000:06:00.1|8086:591d|HD Graphics P630|-|-"),
                        List.of("HOSTDEV_UNMAPPED")),
                row("passthrough without node devices (userdumps): PCI devices, no guessed GPU or companion",
                        List.of(REAL + "libvirt/userdumps/stewi1014__vfio__win11.xml"), null, "win11",
                        List.of(),
                        List.of("PCI|0000:0c:00.0|-|-|-|-", "PCI|0000:0c:00.1|-|-|-|-", "PCI|0000:04:00.0|-|-|-|-",
                                "USB|-|0b05:190e|-|-|-"),
                        List.of("SOURCE_PARSE_PARTIAL", "SOURCE_PARSE_PARTIAL", "SOURCE_PARSE_PARTIAL",
                                "HOSTDEV_UNMAPPED", "HOSTDEV_UNMAPPED", "HOSTDEV_UNMAPPED")),
                row("7: SR-IOV vGPU: an NVIDIA VF assigned as a PCI hostdev", List.of("res:sriov-vgpu-host"), null,
                        "render-l40s",
                        List.of("SRIOV_VGPU|-|-|-|0000:41:00.4|10de:26b9|AD102GL [L40S]|0000:41:00.0"),
                        List.of(),
                        List.of("GPU_SRIOV_UNMAPPED")),
                row("7: SR-IOV vGPU whose VF dump lacks phys_function: the PF's virt_functions tell",
                        List.of("res:sriov-vgpu-host"), new String[] {"type='phys_function'", "type='unknown'"},
                        "render-l40s",
                        List.of("SRIOV_VGPU|-|-|-|0000:41:00.4|10de:26b9|AD102GL [L40S]|0000:41:00.0"),
                        List.of(),
                        List.of("GPU_SRIOV_UNMAPPED")),
                row("7: Ampere with SR-IOV on: an mdev vGPU on a VF stays an mdev vGPU", List.of("res:mdev-on-vf-host"),
                        null, "train-a100",
                        List.of("VGPU|7e3a9f10-2c4b-4d8e-a1f3-5b6c7d8e9f01|nvidia-471|NVIDIA A100-4C|0000:3b:00.4"
                                + "|10de:20f1|GA100 [A100 PCIe 40GB]|0000:3b:00.0"),
                        List.of(),
                        List.of()));
    }

    private static Arguments row(String name, List<String> inputs, String[] replace, String vm, List<String> gpus,
            List<String> hostDevices, List<String> codes) {
        return Arguments.of(new Row(name, inputs, Optional.ofNullable(replace), vm, gpus, hostDevices, codes));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void scansTo(Row row, @TempDir Path dir) throws IOException {
        for (String input : row.inputs()) {
            copy(resolve(input), dir, row.replace());
        }
        XmlDumpSource source = XmlDumpSource.open(dir);
        Inventory inventory = source.scan(VmSelector.ALL);
        assertThat(source.problems()).isEmpty();
        Vm vm = inventory.vm(row.vm()).orElseThrow();
        assertThat(vm.gpus()).extracting(RealGpuInputsTest::gpu).containsExactlyElementsOf(row.gpus());
        assertThat(vm.hostDevices()).extracting(RealGpuInputsTest::hostDevice)
                .containsExactlyElementsOf(row.hostDevices());
        assertThat(vm.concerns()).extracting(Concern::code).filteredOn(RealGpuInputsTest::deviceCode)
                .containsExactlyElementsOf(row.codes());
        // A type the source does not know is never called an NVIDIA vGPU.
        vm.concerns().stream().filter(c -> c.code().equals("GPU_MDEV_MISSING"))
                .forEach(c -> assertThat(c.message()).contains("an NVIDIA vGPU or another mdev"));
    }

    private static boolean deviceCode(String code) {
        return code.startsWith("GPU_") || code.startsWith("HOSTDEV_") || code.equals("SOURCE_PARSE_PARTIAL");
    }

    private static Path resolve(String input) {
        if (!input.startsWith("res:")) {
            return SharedDir.require(input);
        }
        try {
            return Path.of(RealGpuInputsTest.class.getResource(input.substring(4)).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies a file, or a folder's {@code *.xml} files, into {@code dir}, applying the row's replacement. */
    private static void copy(Path from, Path dir, Optional<String[]> replace) throws IOException {
        List<Path> files;
        if (Files.isDirectory(from)) {
            try (Stream<Path> s = Files.list(from)) {
                files = s.filter(p -> p.toString().endsWith(".xml")).sorted().toList();
            }
        } else {
            files = List.of(from);
        }
        for (Path f : files) {
            String text = Files.readString(f);
            if (replace.isPresent()) {
                text = text.replace(replace.get()[0], replace.get()[1]);
            }
            Files.writeString(dir.resolve(f.getFileName().toString()), text);
        }
    }

    private static String gpu(Gpu g) {
        return String.join("|", g.kind().name(), or(g.mdevUuid()), or(g.mdevType()), or(g.mdevTypeName()),
                or(g.pciAddress()), or(g.vendorDevice()), or(g.productName()), or(g.physFunction()));
    }

    private static String hostDevice(HostDevice h) {
        return String.join("|", h.kind().name(), or(h.address()), or(h.vendorDevice()), or(h.productName()),
                or(h.deviceClass()), or(h.companionOf()));
    }

    private static String or(Optional<String> value) {
        return value.orElse("-");
    }
}
