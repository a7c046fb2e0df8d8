package dev.kvmigrate.converter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.converter.mapping.MappingsReader;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.InventoryCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** gpu-host inventory (hand-written twin of ../shared/fixtures/libvirt/gpu-host.xml) → golden YAML per VM. */
class GoldenTest {
    static Inventory inventory() {
        try (InputStream in = GoldenTest.class.getResourceAsStream("golden/gpu-host-inventory.yaml")) {
            return InventoryCodec.read(in, "gpu-host-inventory.yaml");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Mappings mappings() {
        try (InputStream in = GoldenTest.class.getResourceAsStream("golden/gpu-host-mappings.yaml")) {
            return MappingsReader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    "gpu-host-mappings.yaml");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static ConversionResult convert() {
        return Converter.convert(inventory(), VmSelector.ALL, mappings(),
                new ConvertOptions(Optional.of("migrated"), Optional.of("wave-1"), Optional.empty(), false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cad-ws-01", "render-02", "train-03", "legacy-db-04", "orphan-vgpu-05"})
    void vmMatchesGolden(String vm) {
        MigrationUnit conversion = convert().vms().stream().filter(v -> v.sourceName().equals(vm)).findFirst()
                .orElseThrow();
        StringBuilder out = new StringBuilder();
        for (Manifest m : conversion.objects()) {
            out.append("# ").append(m.fileName()).append('\n').append(m.render(OutputFormat.YAML))
                    .append("---\n");
        }
        ConversionResult single = new ConversionResult(List.of(conversion), List.of(),
                dev.kvmigrate.converter.gpu.AdminPatch.of(List.of(), Mappings.NONE));
        out.append("# concerns\n").append(OutputFormat.YAML.render(ConversionReport.tree(single)));
        Golden.assertMatches(vm + ".yaml", out.toString());
    }

    @Test
    void adminPatchMatchesGolden() {
        ConversionResult result = convert();
        Golden.assertMatches("kubevirt-cr-patch.yaml", OutputFormat.YAML.render(result.adminPatch().patch()));
        Golden.assertMatches("summary.md", result.adminPatch().summary());
    }

    @Test
    void gpuNamesAreExactlyThePluginNamesAndTheOrphanIsBlocked() {
        ConversionResult result = convert();
        List<String> deviceNames = result.manifests().stream()
                .filter(m -> m.kind().equals("VirtualMachine"))
                .flatMap(m -> m.tree().path("spec").path("template").path("spec").path("domain").path("devices")
                        .path("gpus").findValuesAsText("deviceName").stream())
                .toList();
        assertThat(deviceNames).containsExactly("nvidia.com/GRID_T4-1Q", "nvidia.com/NVIDIA_A10-12Q",
                "nvidia.com/NVIDIA_A10-12Q", "nvidia.com/GH100_H100_SXM5_80GB");
        assertThat(result.adminPatch().patch().findValuesAsText("resourceName")).containsExactlyInAnyOrder(
                "nvidia.com/GRID_T4-1Q", "nvidia.com/NVIDIA_A10-12Q", "nvidia.com/GH100_H100_SXM5_80GB");
        assertThat(result.vms()).filteredOn(MigrationUnit::blocked).extracting(MigrationUnit::sourceName)
                .containsExactly("orphan-vgpu-05");
        assertThat(result.anyBlocked()).isTrue();
    }

    /** Each fact once: no VM's concerns name the same field twice (one code per fact, decided by one stage). */
    @Test
    void eachFactIsReportedOnceUnderOneCode() {
        for (MigrationUnit u : convert().vms()) {
            List<String> fields = u.concerns().stream().flatMap(c -> c.field().stream()).toList();
            assertThat(fields).as(u.sourceName() + ": " + u.concerns()).doesNotHaveDuplicates();
            assertThat(u.concerns().stream().map(c -> c.code() + "|" + c.field().orElse("") + "|" + c.message())
                    .toList()).as(u.sourceName()).doesNotHaveDuplicates();
        }
    }
}
