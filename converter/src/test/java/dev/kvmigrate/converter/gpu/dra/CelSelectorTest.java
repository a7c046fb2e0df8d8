package dev.kvmigrate.converter.gpu.dra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** User-written DRA selectors evaluated with CEL: strings, ints, {@code in}, {@code has}, quantities, errors. */
class CelSelectorTest {
    static final DraDevice A100 = new DraDevice("gpu.nvidia.com", "node-1", Optional.of("node-1"), "gpu-vfio-0",
            Map.of("gpu.nvidia.com", Map.of("type", "vfio", "vendorID", "0x10de", "deviceID", "0x20b5",
                            "productName", "NVIDIA A100 80GB PCIe", "numa", 1L, "sriov", false),
                    "resource.kubernetes.io", Map.of("pciBusID", "0000:3b:00.0")),
            Map.of("gpu.nvidia.com", Map.of("addressableMemory", "80Gi")));

    private static CelSelector.Match eval(String expression) {
        return CelSelector.compile(expression).matches(A100);
    }

    @Test
    void matchesTheDriverAndStringAttributes() {
        assertThat(eval("device.driver == 'gpu.nvidia.com'")).isEqualTo(CelSelector.Match.MATCH);
        assertThat(eval("device.attributes[\"gpu.nvidia.com\"].type == 'vfio'")).isEqualTo(CelSelector.Match.MATCH);
        assertThat(eval("device.attributes['gpu.nvidia.com'].productName == 'NVIDIA A100 80GB PCIe'").matched())
                .isTrue();
        assertThat(eval("device.attributes['gpu.nvidia.com'].productName.startsWith('NVIDIA H100')"))
                .isEqualTo(CelSelector.Match.NO_MATCH);
        assertThat(eval("device.attributes['resource.kubernetes.io'].pciBusID == '0000:3b:00.0'").matched())
                .isTrue();
    }

    @Test
    void comparesIntAndBoolAttributes() {
        assertThat(eval("device.attributes['gpu.nvidia.com'].numa == 1").matched()).isTrue();
        assertThat(eval("device.attributes['gpu.nvidia.com'].numa == 0").matched()).isFalse();
        assertThat(eval("device.attributes['gpu.nvidia.com'].numa < 2").matched()).isTrue();
        assertThat(eval("device.attributes['gpu.nvidia.com'].sriov == false").matched()).isTrue();
    }

    @Test
    void supportsInAndHas() {
        assertThat(eval("'gpu.nvidia.com' in device.attributes").matched()).isTrue();
        assertThat(eval("'amd.com' in device.attributes").matched()).isFalse();
        assertThat(eval("has(device.attributes['gpu.nvidia.com'].numa)").matched()).isTrue();
        assertThat(eval("has(device.attributes['gpu.nvidia.com'].mig)")).isEqualTo(CelSelector.Match.NO_MATCH);
        assertThat(eval("!has(device.attributes['gpu.nvidia.com'].mig) || "
                + "device.attributes['gpu.nvidia.com'].mig == 'none'").matched()).isTrue();
    }

    @Test
    void comparesCapacityQuantities() {
        String memory = "device.capacity['gpu.nvidia.com'].addressableMemory";
        assertThat(eval(memory + ".compareTo(quantity('40Gi')) >= 0").matched()).isTrue();
        assertThat(eval(memory + ".compareTo(quantity('80Gi')) == 0").matched()).isTrue();
        assertThat(eval(memory + ".compareTo(quantity('81Gi')) >= 0").matched()).isFalse();
        assertThat(eval(memory + ".isGreaterThan(quantity('85899345919'))").matched()).isTrue();
        assertThat(eval(memory + ".isLessThan(quantity('100G'))").matched()).isTrue();
        assertThat(eval(memory + " == quantity('81920Mi')").matched()).isTrue();
        assertThat(eval(memory + ".asInteger() == 85899345920").matched()).isTrue();
        assertThat(eval("isQuantity('1500m') && !isQuantity('lots')").matched()).isTrue();
    }

    @Test
    void aSyntaxErrorIsRefusedNamingTheExpression() {
        assertThatThrownBy(() -> CelSelector.compile("device.driver == "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("device.driver == ")
                .hasMessageContaining("does not compile");
        assertThatThrownBy(() -> CelSelector.compile("dev.driver == 'x'"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("undeclared reference to 'dev'");
    }

    @Test
    void aNonBoolExpressionIsRefused() {
        assertThatThrownBy(() -> CelSelector.compile("device.attributes['gpu.nvidia.com'].numa + 1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("device.attributes['gpu.nvidia.com'].numa + 1")
                .hasMessageContaining("expected type 'bool' but found 'int'");
        // a dyn result (an attribute read bare) is refused too, as Kubernetes refuses it
        assertThatThrownBy(() -> CelSelector.compile("device.attributes['gpu.nvidia.com'].numa"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must evaluate to bool, not dyn");
    }

    @Test
    void aMissingKeyAtRuntimeIsNoMatchWithTheError() {
        CelSelector.Match missingAttribute = eval("device.attributes['gpu.nvidia.com'].memoryGiB >= 40");
        assertThat(missingAttribute.matched()).isFalse();
        assertThat(missingAttribute).isInstanceOfSatisfying(CelSelector.Match.Error.class,
                e -> assertThat(e.message()).isEqualTo("no such key: memoryGiB"));
        assertThat(eval("device.attributes['amd.com'].type == 'vfio'"))
                .isEqualTo(new CelSelector.Match.Error("no such key: amd.com"));
        assertThat(eval("quantity('lots').sign() == 1")).isInstanceOf(CelSelector.Match.Error.class);
    }

    @Test
    void aCompiledSelectorIsReusedAcrossDevices() {
        CelSelector selector = CelSelector.compile("device.attributes['gpu.nvidia.com'].numa == 0");
        DraDevice other = new DraDevice("gpu.nvidia.com", "node-2", Optional.of("node-2"), "gpu-vfio-0",
                Map.of("gpu.nvidia.com", Map.of("numa", 0L)), Map.of());
        assertThat(selector.matches(A100).matched()).isFalse();
        assertThat(selector.matches(other).matched()).isTrue();
        assertThat(selector.expression()).isEqualTo("device.attributes['gpu.nvidia.com'].numa == 0");
    }
}
