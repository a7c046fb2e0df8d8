package dev.kvmigrate.converter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.converter.mapping.GpuTarget;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.converter.mapping.MappingsReader;
import dev.kvmigrate.converter.validate.ClusterFacts;
import dev.kvmigrate.converter.validate.Finding;
import dev.kvmigrate.converter.validate.KubevirtCr;
import dev.kvmigrate.converter.validate.LocatedObject;
import dev.kvmigrate.converter.validate.SchemaSet;
import dev.kvmigrate.converter.validate.ValidationReport;
import dev.kvmigrate.converter.validate.Validator;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.libvirt.XmlDumpSource;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code gpuTarget} end to end: the bundled example host ({@code examples/gpu-host} with the mappings of
 * {@code examples/gpu-host-plan.yaml}) in both modes, and {@code ../shared/fixtures/libvirt/gpu-host.xml} with DRA
 * (the golden gpu-host mappings plus {@code gpuTarget: dra}),
 * against golden files under {@code golden/gpu-target/}; every object written validates against the bundled
 * KubeVirt v1.9 and Kubernetes schemas.
 */
class GpuTargetGoldenTest {
    private static final Path EXAMPLES = Path.of("..", "examples");
    /** The fixtures' disk images are not here: every disk gets this size. */
    private static final String DISK_SIZE = "20Gi";
    private static final ConvertOptions OPTIONS = new ConvertOptions(Optional.of("migrated"), Optional.empty(),
            Optional.empty(), false);

    /**
     * The plan's {@code mappings} section, as a mappings file, with a default disk size: the example's disk images
     * are made by {@code plan example-disks}, not checked in.
     */
    private static Mappings exampleMappings() throws IOException {
        JsonNode plan = Mappers.yaml().readTree(EXAMPLES.resolve("gpu-host-plan.yaml").toFile());
        ObjectNode mappings = plan.path("mappings").deepCopy();
        mappings.putObject("storage").putObject("default").put("size", DISK_SIZE);
        return MappingsReader.parse(Mappers.yaml().writeValueAsString(mappings), "gpu-host-plan.yaml");
    }

    private static ConversionResult examples(GpuTarget target) throws IOException {
        Inventory inventory = XmlDumpSource.open(EXAMPLES.resolve("gpu-host")).scan(VmSelector.ALL);
        return Converter.convert(inventory, VmSelector.ALL, exampleMappings().withGpuTarget(target), OPTIONS);
    }

    private static ConversionResult sharedFixture(Path tmp) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("gpu-host"));
        Files.copy(SharedDir.require("fixtures/libvirt/gpu-host.xml"), dir.resolve("gpu-host.xml"));
        Inventory inventory = XmlDumpSource.open(dir).scan(VmSelector.ALL);
        String mappings = Files.readString(Golden.ROOT.resolve("gpu-target/shared-gpu-host-mappings.yaml"));
        return Converter.convert(inventory, VmSelector.ALL, MappingsReader.parse(mappings, "mappings.yaml"), OPTIONS);
    }

    /**
     * The objects in write order, then the admin patch and summary: what {@code convert --out} writes, with the
     * scanned directory (it appears in source-location annotations) as {@code <dir>} so the files do not depend
     * on the checkout's place.
     */
    private static String render(ConversionResult result, Path scanned) {
        StringBuilder out = new StringBuilder();
        for (Manifest m : result.manifests()) {
            out.append("# ").append(m.fileName()).append('\n').append(m.render(OutputFormat.YAML)).append("---\n");
        }
        result.vms().stream().filter(MigrationUnit::blocked).forEach(u -> out.append("# blocked: ")
                .append(u.sourceName())
                .append(u.blockers().stream().map(c -> " " + c.code()).collect(Collectors.joining()))
                .append('\n'));
        out.append("# admin/kubevirt-cr-patch.yaml\n").append(OutputFormat.YAML.render(result.adminPatch().patch()))
                .append("---\n# admin/summary.md\n").append(result.adminPatch().summary());
        return out.toString().replace(scanned.toAbsolutePath().normalize().toString(), "<dir>")
                .replace(scanned.toString(), "<dir>");
    }

    /** Writes the set and validates it with the bundled v1.9 schemas and its own admin patch. */
    private static ValidationReport validate(ConversionResult result, Path tmp) {
        Path out = tmp.resolve("out");
        ManifestWriter.write(result, out, OutputFormat.YAML);
        ClusterFacts facts = ClusterFacts.NONE.withPermittedDevices(KubevirtCr.permittedResources(
                result.adminPatch().patch()));
        return Validator.validate(List.of(out), SchemaSet.bundled("v1.9"), facts);
    }

    @ParameterizedTest
    @EnumSource(value = GpuTarget.class, names = {"DEVICE_PLUGIN", "DRA"})
    void exampleHostMatchesGoldenAndValidates(GpuTarget target, @TempDir Path tmp) throws IOException {
        ConversionResult result = examples(target);
        Golden.assertMatches("gpu-target/examples-gpu-host-" + target.value() + ".yaml",
                render(result, EXAMPLES.resolve("gpu-host")));
        ValidationReport report = validate(result, tmp);
        assertThat(report.findings()).isEmpty();
        assertThat(report.objects()).hasSize(result.manifests().size());
    }

    @Test
    void sharedGpuHostWithDraMatchesGoldenAndValidates(@TempDir Path tmp) throws IOException {
        ConversionResult result = sharedFixture(tmp);
        Golden.assertMatches("gpu-target/shared-gpu-host-dra.yaml", render(result, tmp.resolve("gpu-host")));
        assertThat(validate(result, tmp).findings()).isEmpty();
    }

    /**
     * The SR-IOV vGPU host (the real-inputs issue's VF shape: an L40S VF assigned as a PCI hostdev) with a gpus
     * mapping and a node group: the VF's resource, a pciHostDevices entry served by KubeVirt's own plugin, the VM
     * pinned to the group's nodes; the same in DRA mode (a vGPU stays on the device plugin).
     */
    @ParameterizedTest
    @EnumSource(value = GpuTarget.class, names = {"DEVICE_PLUGIN", "DRA"})
    void sriovVgpuHostMatchesGoldenAndValidates(GpuTarget target, @TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("sriov-vgpu-host"));
        try (var files = Files.list(Golden.ROOT.resolve("gpu-target/sriov-vgpu-host"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Inventory inventory = XmlDumpSource.open(dir).scan(VmSelector.ALL);
        Mappings mappings = MappingsReader.parse(Files.readString(Golden.ROOT.resolve(
                "gpu-target/sriov-mappings.yaml")), "sriov-mappings.yaml").withGpuTarget(target);
        ConversionResult result = Converter.convert(inventory, VmSelector.ALL, mappings, OPTIONS);
        Golden.assertMatches("gpu-target/sriov-vgpu-host-" + target.value() + ".yaml", render(result, dir));
        MigrationUnit vm = result.vm("render-l40s").orElseThrow();
        assertThat(vm.virtualMachine().orElseThrow().tree().at("/spec/template/spec/nodeSelector").toString())
                .isEqualTo("{\"gpu-profile\":\"l40s-8q\"}");
        assertThat(result.adminPatch().patch().at("/spec/configuration/permittedHostDevices/pciHostDevices/0")
                .toString()).isEqualTo("{\"pciVendorSelector\":\"10DE:26B9\",\"resourceName\":"
                        + "\"devices.kubevirt.io/l40s-8q\",\"externalResourceProvider\":false}");
        assertThat(validate(result, tmp).findings()).isEmpty();
    }

    @Test
    void draClaimsThePassthroughGpuAndKeepsTheVgpuOnTheDevicePlugin() throws IOException {
        ConversionResult result = examples(GpuTarget.DRA);
        MigrationUnit inference = result.vm("inference-02").orElseThrow();
        Manifest template = inference.resourceClaimTemplate().orElseThrow();
        assertThat(inference.objects().get(0)).isEqualTo(template);
        assertThat(template.name()).isEqualTo("inference-02");
        assertThat(template.namespace()).contains("migrated");
        JsonNode request = template.tree().at("/spec/spec/devices/requests/0");
        assertThat(request.path("name").asText()).isEqualTo("gpu-0");
        assertThat(request.at("/exactly/deviceClassName").asText()).isEqualTo("vfio.gpu.nvidia.com");
        assertThat(request.at("/exactly/selectors/0/cel/expression").asText()).isEqualTo(
                "device.attributes['gpu.nvidia.com'].vendorID == \"0x10de\""
                        + " && device.attributes['gpu.nvidia.com'].deviceID == \"0x25b6\"");
        JsonNode spec = inference.virtualMachine().orElseThrow().tree().at("/spec/template/spec");
        assertThat(spec.at("/resourceClaims/0/name").asText()).isEqualTo("gpus");
        assertThat(spec.at("/resourceClaims/0/resourceClaimTemplateName").asText()).isEqualTo("inference-02");
        assertThat(spec.at("/domain/devices/gpus/0/claimName").asText()).isEqualTo("gpus");
        assertThat(spec.at("/domain/devices/gpus/0/requestName").asText()).isEqualTo("gpu-0");
        assertThat(spec.at("/domain/devices/gpus/0/deviceName").isMissingNode()).isTrue();
        assertThat(spec.path("evictionStrategy").asText()).isEqualTo("None");

        MigrationUnit designer = result.vm("designer-ws-01").orElseThrow();
        assertThat(designer.resourceClaimTemplate()).isEmpty();
        assertThat(designer.virtualMachine().orElseThrow().tree().at("/spec/template/spec/domain/devices/gpus/0"
                + "/deviceName").asText()).isEqualTo("nvidia.com/GRID_T4-2Q");
        assertThat(result.adminPatch().patch().findValuesAsText("resourceName"))
                .containsExactly("nvidia.com/GRID_T4-2Q");
        assertThat(result.adminPatch().summary()).contains("`vfio.gpu.nvidia.com`", "GPUsWithDRA",
                "designer-ws-01 gpu0 stays on the device plugin as `nvidia.com/GRID_T4-2Q`: a vGPU");
        assertThat(result.vm("web-03").orElseThrow().virtualMachine().orElseThrow().tree()
                .at("/spec/template/spec/evictionStrategy").isMissingNode()).isTrue();
    }

    @Test
    void mappedDeviceClassSelectorAndEvictionStrategyAreUsed() throws IOException {
        Inventory inventory = XmlDumpSource.open(EXAMPLES.resolve("gpu-host")).scan(VmSelector.ALL);
        Mappings mappings = MappingsReader.parse("""
                gpuTarget: dra
                evictionStrategy: LiveMigrateIfPossible
                storage:
                  default: {size: 20Gi}
                dra:
                  deviceClass: gpu-vfio.example.com
                  selectors:
                    10DE:25B6: device.attributes['gpu.nvidia.com'].productName == "NVIDIA A2"
                """, "mappings.yaml");
        ConversionResult result = Converter.convert(inventory, VmSelector.ALL, mappings, OPTIONS);
        MigrationUnit inference = result.vm("inference-02").orElseThrow();
        JsonNode exactly = inference.resourceClaimTemplate().orElseThrow().tree()
                .at("/spec/spec/devices/requests/0/exactly");
        assertThat(exactly.path("deviceClassName").asText()).isEqualTo("gpu-vfio.example.com");
        assertThat(exactly.at("/selectors/0/cel/expression").asText())
                .isEqualTo("device.attributes['gpu.nvidia.com'].productName == \"NVIDIA A2\"");
        assertThat(inference.virtualMachine().orElseThrow().tree().at("/spec/template/spec/evictionStrategy")
                .asText()).isEqualTo("LiveMigrateIfPossible");
        assertThat(result.adminPatch().summary()).contains("`gpu-vfio.example.com`",
                "The mappings set `LiveMigrateIfPossible`");
    }

    @Test
    void anUnknownFieldPlantedInTheResourceClaimTemplateIsAFinding() throws IOException {
        Manifest template = examples(GpuTarget.DRA).vm("inference-02").orElseThrow().resourceClaimTemplate()
                .orElseThrow();
        ObjectNode planted = template.tree().deepCopy();
        ((ObjectNode) planted.at("/spec/spec/devices/requests/0/exactly")).put("deviceClass", "typo");
        ValidationReport report = Validator.validateObjects(List.of(LocatedObject.of(
                Manifest.of(template.fileName(), planted))), List.of(), SchemaSet.bundled("v1.9"),
                ClusterFacts.NONE);
        assertThat(report.findings()).extracting(Finding::path, Finding::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("$.spec.spec.devices.requests[0].exactly.deviceClass",
                        "unknown field 'deviceClass'"));
    }
}
