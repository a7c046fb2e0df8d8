package dev.kvmigrate.plans.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuKind;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** GPU entries of plan init: key, derived resource and the comment that explains the derivation. */
class PlanInitTest {
    private static Gpu vgpu(String id, String name) {
        return new Gpu(GpuKind.VGPU, Optional.empty(), Optional.ofNullable(id), Optional.ofNullable(name),
                Optional.empty(), Optional.of("10de"), Optional.of("1eb8"), Optional.empty(), true, false,
                Optional.empty());
    }

    private static Gpu pci(String device, String product) {
        return new Gpu(GpuKind.PASSTHROUGH, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("0000:af:00.0"), Optional.of("0x10de"), Optional.of(device), Optional.ofNullable(product),
                false, false, Optional.empty());
    }

    @Test
    void vgpuByTypeIdWithTheTypeNameRule() {
        String[] e = PlanInit.gpuEntry(vgpu("nvidia-230", "GRID T4-1Q")).orElseThrow();
        assertThat(e[0]).isEqualTo("nvidia-230");
        assertThat(e[1]).isEqualTo("nvidia.com/GRID_T4-1Q");
        assertThat(e[2]).isEqualTo("vGPU nvidia-230 \"GRID T4-1Q\" → nvidia.com/GRID_T4-1Q (NVIDIA device plugin:"
                + " type name, spaces → _)");
    }

    @Test
    void passthroughByVendorDeviceWithTheProductNameRule() {
        String[] e = PlanInit.gpuEntry(pci("2330", "GH100 [H100 SXM5 80GB]")).orElseThrow();
        assertThat(e[0]).isEqualTo("10de:2330");
        assertThat(e[1]).isEqualTo("nvidia.com/GH100_H100_SXM5_80GB");
        assertThat(e[2]).contains("pci.ids product name upper-cased");
        String[] bare = PlanInit.gpuEntry(pci("2235", null)).orElseThrow();
        assertThat(bare[1]).isEqualTo("nvidia.com/2235");
        assertThat(bare[2]).contains("bare device id");
    }

    @Test
    void underivableNamesGetNoEntry() {
        assertThat(PlanInit.gpuEntry(vgpu("nvidia-999", null))).isEmpty();
    }

    @Test
    void scalarsAreQuotedOnlyWhenYamlNeedsIt() {
        assertThat(PlanInit.q("web-03")).isEqualTo("web-03");
        assertThat(PlanInit.q("10de:25b6")).isEqualTo("\"10de:25b6\"");
        assertThat(PlanInit.q("GRID T4-1Q")).isEqualTo("\"GRID T4-1Q\"");
        assertThat(PlanInit.q("yes")).isEqualTo("\"yes\"");
        assertThat(PlanInit.q("1234")).isEqualTo("\"1234\"");
    }
}
