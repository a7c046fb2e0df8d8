package dev.kvmigrate.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvmigrate.converter.gpu.DeviceRequest;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.converter.mapping.MappingsReader;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.libvirt.XmlDumpSource;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Severity;
import dev.kvmigrate.testing.SharedDir;
import org.junit.jupiter.api.Test;

/**
 * {@code convert} of a real passthrough host whose libvirt predates PCI classes
 * ({@code ../shared/fixtures/real-2/libvirt-derived/D2-passthrough-vdsm-host}): the Quadro K2200 becomes a GPU
 * request, and its HDMI audio function is left out with an INFO, carried when a mapping names it, or dropped as
 * the mapping says.
 */
class RealPassthroughConvertTest {
    private static final String GPU = "nvidia.com/GM107GL_QUADRO_K2200";
    /** The dump's disk image is not here: its size comes from the mappings. */
    private static final String DISK = "storage:\n  disks:\n    cad-passthrough/vda: {size: 100Gi}\n";

    private static ConversionResult result(Mappings mappings) {
        Inventory inventory = XmlDumpSource.open(
                SharedDir.require("fixtures/real-2/libvirt-derived/D2-passthrough-vdsm-host")).scan(VmSelector.ALL);
        return Converter.convert(inventory, VmSelector.ALL, mappings, ConvertOptions.DEFAULTS);
    }

    private static MigrationUnit convert(Mappings mappings) {
        return result(mappings).vm("cad-passthrough").orElseThrow();
    }

    private static JsonNode devices(MigrationUnit unit) {
        return unit.virtualMachine().orElseThrow().tree().at("/spec/template/spec/domain/devices");
    }

    @Test
    void withoutMappingsTheGpuIsCarriedAndItsAudioFunctionDroppedWithAnInfo() {
        MigrationUnit unit = convert(MappingsReader.parse(DISK, "mappings.yaml"));
        assertThat(unit.blockers()).isEmpty();
        assertThat(devices(unit).path("gpus")).hasSize(1);
        assertThat(devices(unit).at("/gpus/0/deviceName").asText()).isEqualTo(GPU);
        assertThat(devices(unit).path("hostDevices").isMissingNode()).isTrue();
        assertThat(unit.devices()).extracting(DeviceRequest::kind, DeviceRequest::resource)
                .containsExactly(tuple(DeviceRequest.Kind.PASSTHROUGH_GPU, GPU));
        assertThat(unit.concerns()).extracting(Concern::code, Concern::severity).contains(
                tuple("GPU_CLASS_INFERRED", Severity.INFO), tuple("GPU_COMPANION_DROPPED", Severity.INFO))
                .doesNotContain(tuple("HOSTDEV_UNMAPPED", Severity.BLOCKER));
        assertThat(unit.concerns()).filteredOn(c -> c.code().equals("GPU_COMPANION_DROPPED")).singleElement()
                .satisfies(c -> assertThat(c.message()).contains("0000:03:00.1", "10de:0fbc", "0000:03:00.0"));
    }

    @Test
    void aMappedAudioFunctionIsCarriedAsAHostDevice() {
        ConversionResult result = result(MappingsReader.parse(
                DISK + "hostDevices:\n  10de:0fbc: devices.kubevirt.io/gm107-hdmi-audio\n", "mappings.yaml"));
        MigrationUnit unit = result.vm("cad-passthrough").orElseThrow();
        assertThat(unit.blockers()).isEmpty();
        assertThat(devices(unit).at("/gpus/0/deviceName").asText()).isEqualTo(GPU);
        assertThat(devices(unit).at("/hostDevices/0/deviceName").asText())
                .isEqualTo("devices.kubevirt.io/gm107-hdmi-audio");
        assertThat(unit.concerns()).extracting(Concern::code).doesNotContain("GPU_COMPANION_DROPPED");
        JsonNode pci = result.adminPatch().patch().at("/spec/configuration/permittedHostDevices/pciHostDevices");
        assertThat(pci).extracting(e -> e.path("pciVendorSelector").asText(), e -> e.path("resourceName").asText())
                .containsExactlyInAnyOrder(tuple("10DE:13BA", GPU),
                        tuple("10DE:0FBC", "devices.kubevirt.io/gm107-hdmi-audio"));
    }

    @Test
    void aDropMappingLeavesTheAudioFunctionOutWithItsOwnInfo() {
        MigrationUnit unit = convert(MappingsReader.parse(DISK + "hostDevices:\n  10de:0fbc: drop\n", "mappings.yaml"));
        assertThat(unit.blockers()).isEmpty();
        assertThat(devices(unit).path("hostDevices").isMissingNode()).isTrue();
        assertThat(unit.concerns()).extracting(Concern::code, Concern::severity)
                .contains(tuple("HOSTDEV_DROPPED_BY_MAPPING", Severity.INFO))
                .doesNotContain(tuple("GPU_COMPANION_DROPPED", Severity.INFO));
    }
}
