package dev.kvmigrate.inventory.ovirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.concern.ModelRules;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.HostDevice;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.inventory.xml.XmlNode;
import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GPU and host-device mapping over real engine answers ({@code ../shared/fixtures/real-2/ovirt-derived/O1}: fog's
 * recorded VMs with oVirt's own API-model examples injected, a placeholder Quadro host device and a mediated
 * device), as the oVirt source maps them (mapper, engine concerns, model rules): per row, the GPUs, host devices
 * and GPU/host-device concern codes of VM {@code test-vm1}. Rows may edit the answer first (text replacement).
 *
 * <p>A GPU is {@code kind|type id|type name|PCI address|vendor:device|product}, a host device
 * {@code kind|address|vendor:device|mdev type|companion of}; {@code -} is absent.
 */
class OvirtRealGpuInputsTest {
    private static final String AUDIO = """
            <host_device id="457"><name>pci_0000_04_00_1</name><capability>pci</capability>
              <product id="0x0fbc"><name>GM107 High Definition Audio Controller [GeForce 940MX]</name></product>
              <vendor id="0x10de"><name>NVIDIA Corporation</name></vendor></host_device>
            </host_devices>""";

    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("6: a placeholder host device is skipped; the mediated device is a vGPU", Map.of(),
                        List.of("VGPU|nvidia-11|-|-|-|-"),
                        List.of(),
                        List.of("GPU_TYPE_NAME_UNKNOWN", "HOSTDEV_PLACEHOLDER_SKIPPED")),
                Arguments.of("the same Quadro, not a placeholder, is a passthrough GPU",
                        Map.of("<placeholder>true</placeholder>", "<placeholder>false</placeholder>"),
                        List.of("VGPU|nvidia-11|-|-|-|-",
                                "PASSTHROUGH|-|-|0000:04:00.0|10de:13ba|GM107GL [Quadro K2200]"),
                        List.of(),
                        List.of("GPU_TYPE_NAME_UNKNOWN")),
                Arguments.of("2: its HDMI audio function beside it is a companion, not an unmapped device",
                        Map.of("<placeholder>true</placeholder>", "<placeholder>false</placeholder>",
                                "</host_devices>", AUDIO),
                        List.of("VGPU|nvidia-11|-|-|-|-",
                                "PASSTHROUGH|-|-|0000:04:00.0|10de:13ba|GM107GL [Quadro K2200]"),
                        List.of("PCI|0000:04:00.1|10de:0fbc|-|0000:04:00.0"),
                        List.of("GPU_TYPE_NAME_UNKNOWN")),
                Arguments.of("4: an Intel GVT-g mdevType is a mediated host device, never an NVIDIA vGPU",
                        Map.of("<value>nvidia-11</value>", "<value>i915-GVTg_V5_4</value>"),
                        List.of(),
                        List.of("MDEV|-|-|i915-GVTg_V5_4|-"),
                        List.of("HOSTDEV_PLACEHOLDER_SKIPPED", "HOSTDEV_UNMAPPED")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void mapsTo(String title, Map<String, String> edits, List<String> gpus, List<String> hostDevices,
            List<String> codes) throws IOException {
        Path dir = SharedDir.require("fixtures/real-2/ovirt-derived/O1");
        String body = Files.readString(dir.resolve("vms.xml"));
        for (var e : edits.entrySet()) {
            assertThat(body).contains(e.getKey());
            body = body.replace(e.getKey(), e.getValue());
        }
        EngineCatalog catalog = new EngineCatalog(index(dir, "clusters.xml"), index(dir, "hosts.xml"), Map.of(),
                index(dir, "vnicprofiles.xml"), index(dir, "storagedomains.xml"));
        XmlNode node = SafeXml.parse(body, "vms.xml").children("vm").stream()
                .filter(v -> v.text("name").filter("test-vm1"::equals).isPresent()).findFirst().orElseThrow();
        Vm vm = OvirtVmMapper.map(node, catalog, "https://engine.invalid/ovirt-engine/api");
        vm = ModelRules.apply(vm.withConcerns(OvirtConcerns.check(node, vm, catalog)));
        assertThat(vm.gpus()).extracting(OvirtRealGpuInputsTest::gpu).containsExactlyElementsOf(gpus);
        assertThat(vm.hostDevices()).extracting(OvirtRealGpuInputsTest::hostDevice)
                .containsExactlyElementsOf(hostDevices);
        assertThat(vm.concerns()).extracting(Concern::code)
                .filteredOn(c -> c.startsWith("GPU_") || c.startsWith("HOSTDEV_"))
                .containsExactlyInAnyOrderElementsOf(codes);
    }

    private static Map<String, XmlNode> index(Path dir, String name) {
        return EngineCatalog.byId(SafeXml.parse(dir.resolve(name)));
    }

    private static String gpu(Gpu g) {
        return String.join("|", g.kind().name(), or(g.mdevType()), or(g.mdevTypeName()), or(g.pciAddress()),
                or(g.vendorDevice()), or(g.productName()));
    }

    private static String hostDevice(HostDevice h) {
        return String.join("|", h.kind().name(), or(h.address()), or(h.vendorDevice()), or(h.deviceClass()),
                or(h.companionOf()));
    }

    private static String or(Optional<String> value) {
        return value.orElse("-");
    }
}
