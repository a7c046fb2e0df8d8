package dev.kvmigrate.importer.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.converter.gpu.ClusterGpus;
import dev.kvmigrate.converter.gpu.ClusterGpus.GpuNode;
import dev.kvmigrate.converter.gpu.ClusterGpus.PermittedDevice;
import dev.kvmigrate.converter.gpu.ClusterGpus.PermittedDevice.Kind;
import dev.kvmigrate.converter.gpu.dra.DraDevice;
import dev.kvmigrate.converter.validate.ClusterFacts;
import dev.kvmigrate.converter.validate.ClusterProbe;
import dev.kvmigrate.converter.validate.SchemaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The GPU cluster stand-ins, seeded into fabric8's CRUD mock, read back by {@link ClusterProbe}. */
class GpuClustersIT {
    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private ClusterGpus probe() {
        ClusterFacts facts = ClusterProbe.probe(client).facts();
        assertThat(facts.gpus()).isPresent();
        return facts.gpus().orElseThrow();
    }

    private static DraDevice device(ClusterGpus gpus, String node, String name) {
        return gpus.draDevices().stream().filter(d -> d.node().equals(Optional.of(node)) && d.name().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no device " + name + " on " + node));
    }

    /** VFIO devices of a model, as the vfio.gpu.nvidia.com class and a deviceID selector would pick them. */
    private static long vfio(ClusterGpus gpus, String deviceId) {
        return gpus.draDevices().stream().map(d -> d.attributes().getOrDefault("gpu.nvidia.com", Map.of()))
                .filter(a -> "vfio".equals(a.get("type")) && deviceId.equals(a.get("deviceID"))).count();
    }

    @Test
    void theDraClusterHasKubevirt19NvidiasDeviceClassesAndVfioGpusOnTwoNodes() {
        GpuClusters.dra(client);

        ClusterGpus gpus = probe();
        assertThat(gpus.kubevirtVersion()).contains("v1.9.0");
        assertThat(gpus.featureGates()).isEmpty();
        assertThat(gpus.disabledFeatureGates()).isEmpty();
        assertThat(gpus.permitted()).isEmpty();
        assertThat(gpus.deviceClasses()).containsOnly(
                Map.entry("gpu.nvidia.com", List.of("device.driver == 'gpu.nvidia.com'"
                        + " && device.attributes['gpu.nvidia.com'].type == 'gpu'")),
                Map.entry("mig.nvidia.com", List.of("device.driver == 'gpu.nvidia.com'"
                        + " && device.attributes['gpu.nvidia.com'].type == 'mig'")),
                Map.entry("vfio.gpu.nvidia.com", List.of("device.driver == 'gpu.nvidia.com'"
                        + " && device.attributes['gpu.nvidia.com'].type == 'vfio'")));

        assertThat(gpus.draDevices()).extracting(d -> d.node().orElseThrow() + "/" + d.name())
                .containsExactlyInAnyOrder("gpu-node-1/gpu-vfio-0", "gpu-node-1/gpu-vfio-1", "gpu-node-1/gpu-2",
                        "gpu-node-2/gpu-vfio-0", "gpu-node-2/gpu-vfio-1");
        assertThat(gpus.draDevices()).allSatisfy(d -> {
            assertThat(d.driver()).isEqualTo("gpu.nvidia.com");
            assertThat(d.pool()).isEqualTo(d.node().orElseThrow());
        });
        DraDevice a2 = device(gpus, "gpu-node-1", "gpu-vfio-1");
        assertThat(a2.where()).isEqualTo("node gpu-node-1");
        assertThat(a2.attributes().keySet()).containsExactlyInAnyOrder("gpu.nvidia.com", "resource.kubernetes.io");
        assertThat(a2.attributes().get("gpu.nvidia.com")).containsEntry("type", "vfio")
                .containsEntry("vendorID", "0x10de").containsEntry("deviceID", "0x25b6")
                .containsEntry("productName", "NVIDIA A2").containsEntry("numa", 1L)
                .containsEntry("iommuFDEnabled", false).containsEntry("pcieBusID", "00000000:27:00.0")
                .containsKey("uuid").doesNotContainKey("resource.kubernetes.io/pciBusID");
        assertThat(a2.attributes().get("gpu.nvidia.com").get("uuid")).asString().startsWith("GPU-");
        assertThat(a2.attributes().get("resource.kubernetes.io")).containsExactly(Map.entry("pciBusID",
                "0000:27:00.0"));
        assertThat(a2.capacity()).containsExactly(Map.entry("gpu.nvidia.com", Map.of("addressableMemory", "16Gi")));
        assertThat(device(gpus, "gpu-node-2", "gpu-vfio-0").attributes().get("gpu.nvidia.com"))
                .containsEntry("deviceID", "0x2330").containsEntry("productName", "NVIDIA H100 80GB HBM3");

        DraDevice full = device(gpus, "gpu-node-1", "gpu-2");
        assertThat(full.attributes().get("gpu.nvidia.com")).containsEntry("type", "gpu")
                .containsEntry("driverVersion", "580.95.5").containsEntry("index", 2L);
        assertThat(vfio(gpus, "0x2330")).as("the full H100 is no VFIO device").isEqualTo(2);
        assertThat(vfio(gpus, "0x25b6")).isEqualTo(2);

        assertThat(gpus.nodes()).extracting(GpuNode::name).containsExactlyInAnyOrder("gpu-node-1", "gpu-node-2");
        assertThat(gpus.nodes()).allSatisfy(n -> {
            assertThat(n.labels()).containsEntry("nvidia.com/gpu.present", "true");
            assertThat(n.allocatable()).as("no device plugin").isEmpty();
            assertThat(n.matches(Map.of("nvidia.com/gpu.present", "true"))).isTrue();
        });
    }

    @Test
    void theDraClusterCountsAreAParameterForAShortfall() {
        GpuClusters.dra(client, Map.of("10de:2330", 0, "10de:25b6", 3));

        ClusterGpus gpus = probe();
        assertThat(vfio(gpus, "0x2330")).isZero();
        assertThat(vfio(gpus, "0x25b6")).isEqualTo(6);
        assertThat(gpus.draDevices()).filteredOn(d -> d.node().equals(Optional.of("gpu-node-2")))
                .extracting(DraDevice::name).containsExactlyInAnyOrder("gpu-vfio-0", "gpu-vfio-1", "gpu-vfio-2");
        assertThat(gpus.draDevices()).filteredOn(d -> "gpu".equals(d.attributes().get("gpu.nvidia.com").get("type")))
                .extracting(DraDevice::name).containsExactly("gpu-3");
    }

    @Test
    void theLegacyClusterPermitsMixedCaseNamesAndAdvertisesThemOnItsNodes() {
        GpuClusters.legacy(client);

        ClusterFacts facts = ClusterProbe.probe(client).facts();
        ClusterGpus gpus = facts.gpus().orElseThrow();
        assertThat(gpus.kubevirtVersion()).contains("v1.6.2");
        assertThat(gpus.featureGates()).containsExactly("HostDevices");
        assertThat(gpus.disabledFeatureGates()).isEmpty();
        assertThat(gpus.permitted()).containsExactly(
                new PermittedDevice(Kind.PCI, "10DE:13BA", "nvidia.com/GM107GL_Quadro_K2200", true),
                new PermittedDevice(Kind.PCI, "10DE:1EB8", "nvidia.com/TU104GL_Tesla_T4", true),
                new PermittedDevice(Kind.PCI, "10DE:25B6", "nvidia.com/GA107GL_A2___A16", true),
                new PermittedDevice(Kind.PCI, "10DE:2330", "nvidia.com/GH100_H100_SXM5_80GB", true),
                new PermittedDevice(Kind.MDEV, "GRID T4-1Q", "nvidia.com/GRID_T4-1Q", true),
                new PermittedDevice(Kind.MDEV, "GRID T4-2Q", "nvidia.com/GRID_T4-2Q", true),
                new PermittedDevice(Kind.MDEV, "NVIDIA A10-12Q", "nvidia.com/NVIDIA_A10-12Q", true));
        assertThat(facts.permittedDevices()).contains(gpus.permittedResources());
        assertThat(gpus.deviceClasses()).isEmpty();
        assertThat(gpus.draDevices()).isEmpty();
        Map<String, Long> perNode = Map.of("nvidia.com/GM107GL_Quadro_K2200", 1L, "nvidia.com/TU104GL_Tesla_T4", 1L,
                "nvidia.com/GA107GL_A2___A16", 1L,
                "nvidia.com/GH100_H100_SXM5_80GB", 1L, "nvidia.com/GRID_T4-1Q", 1L, "nvidia.com/GRID_T4-2Q", 1L,
                "nvidia.com/NVIDIA_A10-12Q", 2L);
        assertThat(gpus.nodes()).extracting(GpuNode::name).containsExactlyInAnyOrder("gpu-node-1", "gpu-node-2");
        assertThat(gpus.nodes()).allSatisfy(n -> assertThat(n.allocatable()).as("only extended resources")
                .isEqualTo(perNode));
        assertThat(gpus.allocatable()).isEqualTo(perNode.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> 2 * e.getValue())));
    }

    @Test
    void theLegacyCountsAreAParameter() {
        GpuClusters.legacy(client, Map.of("nvidia.com/NVIDIA_A10-12Q", 1));

        ClusterGpus gpus = probe();
        assertThat(gpus.allocatable()).containsExactly(Map.entry("nvidia.com/NVIDIA_A10-12Q", 2L));
        assertThat(gpus.permitted()).hasSize(GpuClusters.LEGACY_PCI.size() + GpuClusters.LEGACY_MDEV.size());
    }

    @Test
    void aClusterThatDoesNotServeResourceK8sIoV1HasNoDraFacts() {
        server.expect().get().withPath("/apis/resource.k8s.io/v1/deviceclasses").andReturn(404, "").always();
        server.expect().get().withPath("/apis/resource.k8s.io/v1/resourceslices").andReturn(404, "").always();
        GpuClusters.legacy(client);

        ClusterGpus gpus = probe();
        assertThat(gpus.deviceClasses()).isEmpty();
        assertThat(gpus.draDevices()).isEmpty();
        assertThat(gpus.permitted()).hasSize(GpuClusters.LEGACY_PCI.size() + GpuClusters.LEGACY_MDEV.size());
    }

    @Test
    void standInObjectsAreCheckedAgainstTheBundledSchemas() throws Exception {
        ObjectNode slice = (ObjectNode) Mappers.json().readTree("""
                {"apiVersion": "resource.k8s.io/v1", "kind": "ResourceSlice", "metadata": {"name": "s"},
                 "spec": {"driver": "gpu.nvidia.com", "nodeName": "n", "pool": {"name": "n", "generation": 1,
                          "resourceSliceCount": 1},
                          "devices": [{"name": "gpu-vfio-0", "attributes": {"numa": {"float": 0.5}}}]}}""");
        assertThatThrownBy(() -> GpuClusters.validate(slice, SchemaSet.bundled()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("float");
        ObjectNode node = (ObjectNode) Mappers.json().readTree("""
                {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"},
                 "status": {"allocatable": {"nvidia.com/GRID_T4-1Q": "1"}, "gpus": 1}}""");
        assertThatThrownBy(() -> GpuClusters.validate(node, SchemaSet.bundled()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("gpus");
        ObjectNode kubevirt = (ObjectNode) Mappers.json().readTree("""
                {"apiVersion": "kubevirt.io/v1", "kind": "KubeVirt",
                 "metadata": {"name": "kubevirt", "namespace": "kubevirt"},
                 "spec": {"configuration": {"permittedHostDevices": {"pciHostDevices": [
                   {"pciVendorSelector": "10DE:1EB8", "resourceName": "nvidia.com/TU104GL_Tesla_T4",
                    "vendor": "nvidia"}]}}}}""");
        assertThatThrownBy(() -> GpuClusters.validate(kubevirt, SchemaSet.bundled("v1.6.2")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("vendor");
        ObjectNode deviceClass = (ObjectNode) Mappers.json().readTree("""
                {"apiVersion": "resource.k8s.io/v1", "kind": "DeviceClass", "metadata": {"name": "c"},
                 "spec": {"selectors": [{"expression": "true"}]}}""");
        assertThatThrownBy(() -> GpuClusters.validate(deviceClass, SchemaSet.bundled()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("expression");
    }
}
