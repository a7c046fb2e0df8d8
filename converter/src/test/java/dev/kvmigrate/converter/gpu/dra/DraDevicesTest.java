package dev.kvmigrate.converter.gpu.dra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ResourceSlices as NVIDIA's DRA driver publishes passthrough GPUs, in v1 and v1beta1 form, and malformed ones. */
class DraDevicesTest {
    static JsonNode yaml(String text) {
        try {
            return new YAMLMapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A v1 slice of {@code node} with {@code count} vfio A100s. */
    static JsonNode nvidiaSlice(String node, int count, String deviceId) {
        StringBuilder devices = new StringBuilder();
        for (int i = 0; i < count; i++) {
            devices.append("""
                      - name: gpu-vfio-%d
                        attributes:
                          type: {string: vfio}
                          vendorID: {string: "0x10de"}
                          deviceID: {string: "%s"}
                          productName: {string: "NVIDIA A100 80GB PCIe"}
                          numa: {int: %d}
                          pcieBusID: {string: "0000:%02x:00.0"}
                          uuid: {string: "GPU-%s-%d"}
                          resource.kubernetes.io/pciBusID: {string: "0000:%02x:00.0"}
                          driverVersion: {version: "580.65.6"}
                        capacity:
                          addressableMemory: {value: 80Gi}
                    """.formatted(i, deviceId, i % 2, 0x3b + i, node, i, 0x3b + i));
        }
        return yaml("""
                apiVersion: resource.k8s.io/v1
                kind: ResourceSlice
                metadata: {name: %s-gpu.nvidia.com-abcde}
                spec:
                  driver: gpu.nvidia.com
                  nodeName: %s
                  pool: {name: %s, generation: 1, resourceSliceCount: 1}
                  devices:
                %s""".formatted(node, node, node, devices.toString().indent(2)));
    }

    @Test
    void readsNvidiaPassthroughDevicesQualifyingAttributes() {
        List<DraDevice> devices = DraDevices.fromSlices(List.of(nvidiaSlice("gpu-node-1", 2, "0x20b5")));

        assertThat(devices).hasSize(2);
        DraDevice first = devices.get(0);
        assertThat(first.driver()).isEqualTo("gpu.nvidia.com");
        assertThat(first.pool()).isEqualTo("gpu-node-1");
        assertThat(first.node()).contains("gpu-node-1");
        assertThat(first.name()).isEqualTo("gpu-vfio-0");
        assertThat(first.where()).isEqualTo("node gpu-node-1");
        assertThat(first.attributes().get("gpu.nvidia.com")).containsEntry("type", "vfio")
                .containsEntry("vendorID", "0x10de").containsEntry("deviceID", "0x20b5")
                .containsEntry("productName", "NVIDIA A100 80GB PCIe").containsEntry("numa", 0L)
                .containsEntry("pcieBusID", "0000:3b:00.0").containsEntry("uuid", "GPU-gpu-node-1-0")
                .containsEntry("driverVersion", "580.65.6");
        assertThat(first.attributes().get("resource.kubernetes.io")).isEqualTo(Map.of("pciBusID", "0000:3b:00.0"));
        assertThat(first.capacity()).isEqualTo(Map.of("gpu.nvidia.com", Map.of("addressableMemory", "80Gi")));
        assertThat(devices.get(1).attributes().get("gpu.nvidia.com")).containsEntry("numa", 1L);
    }

    @Test
    void readsTheV1beta1BasicFormAndSlicesWithoutANode() {
        JsonNode slice = yaml("""
                apiVersion: resource.k8s.io/v1beta1
                kind: ResourceSlice
                metadata: {name: fabric-abc}
                spec:
                  driver: gpu.example.com
                  allNodes: true
                  pool: {name: fabric, generation: 1, resourceSliceCount: 1}
                  devices:
                  - name: gpu-0
                    basic:
                      attributes:
                        model: {string: X1}
                        cores: {int: 128}
                        sriov: {bool: true}
                      capacity:
                        memory: {value: 48Gi}
                """);
        DraDevices.Parsed parsed = DraDevices.parse(List.of(slice));

        assertThat(parsed.warnings()).isEmpty();
        DraDevice device = parsed.devices().get(0);
        assertThat(device.node()).isEmpty();
        assertThat(device.where()).isEqualTo("pool fabric");
        assertThat(device.attributes()).isEqualTo(Map.of("gpu.example.com",
                Map.of("model", "X1", "cores", 128L, "sriov", true)));
        assertThat(device.capacity()).isEqualTo(Map.of("gpu.example.com", Map.of("memory", "48Gi")));
    }

    @Test
    void aMalformedDeviceIsSkippedWithAWarning() {
        JsonNode slice = yaml("""
                apiVersion: resource.k8s.io/v1
                kind: ResourceSlice
                metadata: {name: node-1-slice}
                spec:
                  driver: gpu.nvidia.com
                  nodeName: node-1
                  pool: {name: node-1}
                  devices:
                  - name: gpu-vfio-0
                    attributes:
                      type: {string: vfio, int: 3}
                  - name: gpu-vfio-1
                    attributes:
                      numa: {int: "zero"}
                  - name: gpu-vfio-2
                    capacity:
                      addressableMemory: {value: lots}
                  - attributes:
                      type: {string: vfio}
                  - name: gpu-vfio-4
                    attributes:
                      type: {string: vfio}
                """);
        JsonNode noDriver = yaml("""
                apiVersion: resource.k8s.io/v1
                kind: ResourceSlice
                metadata: {name: broken}
                spec: {pool: {name: p}}
                """);
        DraDevices.Parsed parsed = DraDevices.parse(List.of(slice, noDriver));

        assertThat(parsed.devices()).extracting(DraDevice::name).containsExactly("gpu-vfio-4");
        assertThat(parsed.warnings()).containsExactly(
                "ResourceSlice node-1-slice device gpu-vfio-0 skipped: attribute type must have exactly one of"
                        + " string, int, bool, version",
                "ResourceSlice node-1-slice device gpu-vfio-1 skipped: attribute numa has a malformed int value"
                        + " \"zero\"",
                "ResourceSlice node-1-slice device gpu-vfio-2 skipped: capacity addressableMemory is not a"
                        + " quantity: lots",
                "ResourceSlice node-1-slice device #3 skipped: it has no name",
                "ResourceSlice broken skipped: it has no spec.driver or spec.pool.name");
        assertThat(DraDevices.fromSlices(List.of(slice))).hasSize(1);
    }

    @Test
    void parsedDevicesAreSelectableWithCel() {
        DraDevice device = DraDevices.fromSlices(List.of(nvidiaSlice("gpu-node-1", 1, "0x20b5"))).get(0);
        assertThat(CelSelector.compile("device.attributes['resource.kubernetes.io'].pciBusID == '0000:3b:00.0'"
                + " && device.capacity['gpu.nvidia.com'].addressableMemory.compareTo(quantity('80Gi')) == 0")
                .matches(device).matched()).isTrue();
        assertThat(device.node()).isEqualTo(Optional.of("gpu-node-1"));
    }
}
