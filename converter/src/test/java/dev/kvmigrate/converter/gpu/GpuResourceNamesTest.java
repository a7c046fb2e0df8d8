package dev.kvmigrate.converter.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every example of DESIGN.md "KubeVirt GPU requests", and the edges of each rule. */
class GpuResourceNamesTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GRID T4-1Q|nvidia.com/GRID_T4-1Q",
        "NVIDIA A10-12Q|nvidia.com/NVIDIA_A10-12Q",
        "GRID T4-1B|nvidia.com/GRID_T4-1B",
        "A100-1-5C|nvidia.com/A100-1-5C",
        "'  GRID   T4-8Q '|nvidia.com/GRID_T4-8Q",
        "'NVIDIA\tL4-24Q'|nvidia.com/NVIDIA_L4-24Q",
        "grid t4-1q|nvidia.com/grid_t4-1q"
    })
    void vgpuKeepsCaseAndDashAndJoinsWhitespaceRuns(String typeName, String expected) {
        assertThat(GpuResourceNames.vgpu(typeName)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "TU104GL [Tesla T4]|nvidia.com/TU104GL_TESLA_T4",
        "GH100 [H100 PCIe]|nvidia.com/GH100_H100_PCIE",
        "GA107GL [A2 / A16]|nvidia.com/GA107GL_A2___A16",
        "gk104.gl [grid/k./520]|nvidia.com/GK104_GL_GRID_K__520",
        "GH100 [H100 SXM5 80GB]|nvidia.com/GH100_H100_SXM5_80GB",
        "GA102GL [A10]|nvidia.com/GA102GL_A10",
        "'  AD102GL [L40S]  '|nvidia.com/AD102GL_L40S",
        "GV100GL [Tesla V100 SXM2 32GB]|nvidia.com/GV100GL_TESLA_V100_SXM2_32GB"
    })
    void passthroughFollowsThePluginRule(String product, String expected) {
        assertThat(GpuResourceNames.passthrough(product)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"2235,nvidia.com/2235", "20B5,nvidia.com/20b5"})
    void unknownProductIsTheBareDeviceId(String id, String expected) {
        assertThat(GpuResourceNames.bareDeviceId(id)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"' '", "'[]'"})
    void namesThatLeaveNothingAreRejected(String name) {
        assertThatThrownBy(() -> GpuResourceNames.passthrough(name)).isInstanceOf(IllegalArgumentException.class);
    }
}
