package dev.kvmigrate.converter.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.converter.ConversionResult;
import dev.kvmigrate.converter.ManifestWriter;
import dev.kvmigrate.converter.OutputFormat;
import dev.kvmigrate.testing.SharedDir;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --from-cluster against fabric8's CRUD mock; every custom object sent to it is first checked by the real schema. */
@EnableKubernetesMockClient(crud = true)
class ClusterProbeIT {
    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final ObjectMapper JSON = dev.kvmigrate.common.json.Mappers.json();

    /** Creates a custom resource after validating it against the real KubeVirt/CDI schemas. */
    private static void create(SchemaSet schemas, io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext ctx,
            ObjectNode body) {
        LocatedObject o = new LocatedObject("mock", body, Map.of());
        assertThat(Validator.schemaFindings(o, schemas)).as("schema findings of %s", o.id()).isEmpty();
        client.genericKubernetesResources(ctx).inNamespace(o.namespace())
                .resource(JSON.convertValue(body, GenericKubernetesResource.class)).create();
    }

    @Test
    void clusterFactsFindUnpermittedDevicesMissingStorageAndNetworksAndGpuShortfall(@TempDir Path tmp)
            throws Exception {
        Path schemasDir = SharedDir.require("schemas");
        SchemaSet schemas = SchemaSet.of(List.of(schemasDir));
        server.expect().get().withPath("/openapi/v2")
                .andReturn(200, Files.readString(schemasDir.resolve("kubevirt-swagger.json"))).always();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("migrated").endMetadata()
                .build()).create();
        client.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata()
                .withName("fast-ssd").endMetadata().withProvisioner("example.com/csi").build()).create();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("gpu-node-1").endMetadata()
                .withNewStatus().withAllocatable(Map.of("nvidia.com/GRID_T4-1Q", new Quantity("4"),
                        "nvidia.com/NVIDIA_A10-12Q", new Quantity("1"), "cpu", new Quantity("64")))
                .endStatus().build()).create();
        ObjectNode kubevirt = (ObjectNode) JSON.readTree("""
                {"apiVersion": "kubevirt.io/v1", "kind": "KubeVirt",
                 "metadata": {"name": "kubevirt", "namespace": "kubevirt"},
                 "spec": {"configuration": {"permittedHostDevices": {
                   "mediatedDevices": [{"mdevNameSelector": "GRID T4-1Q", "resourceName": "nvidia.com/GRID_T4-1Q",
                                        "externalResourceProvider": true}],
                   "pciHostDevices": [{"pciVendorSelector": "10DE:2330",
                                       "resourceName": "nvidia.com/GH100_H100_SXM5_80GB",
                                       "externalResourceProvider": true}]}}}}""");
        create(schemas, ClusterProbe.KUBEVIRT, kubevirt);
        ObjectNode nad = (ObjectNode) JSON.readTree("""
                {"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition",
                 "metadata": {"name": "br-eng", "namespace": "eng"}, "spec": {"config": "{}"}}""");
        SchemaSet nadCrd = SchemaSet.of(List.of(Path.of(getClass().getResource("../validate/nad-crd.yaml").toURI())));
        create(nadCrd, ClusterProbe.NAD, nad);

        ClusterProbe.Probe probe = ClusterProbe.probe(client);
        assertThat(probe.schemas().schemaFor("kubevirt.io/v1", "VirtualMachine")).isPresent();
        assertThat(probe.facts().permittedDevices()).contains(java.util.Set.of("nvidia.com/GRID_T4-1Q",
                "nvidia.com/GH100_H100_SXM5_80GB"));

        ConversionResult result = dev.kvmigrate.converter.GoldenAccess.convert();
        Path out = tmp.resolve("out");
        ManifestWriter.write(result, out, OutputFormat.YAML);
        ValidationReport report = Validator.validate(List.of(out), probe.schemas().with(schemas), probe.facts());
        List<String> got = report.findings().stream().map(f -> f.object() + " " + f.rule() + " " + f.message()
                .replaceAll(";.*", "")).toList();
        assertThat(got).containsExactlyInAnyOrder(
                "DataVolume/cad-ws-01-sdb STORAGE_CLASS_MISSING StorageClass standard does not exist in the cluster",
                "DataVolume/render-02-vdb STORAGE_CLASS_MISSING StorageClass standard does not exist in the cluster",
                "VirtualMachine/render-02 DEVICE_NOT_PERMITTED deviceName nvidia.com/NVIDIA_A10-12Q is not permitted by"
                        + " the KubeVirt CR (permittedHostDevices)",
                "VirtualMachine/render-02 DEVICE_NOT_PERMITTED deviceName nvidia.com/NVIDIA_A10-12Q is not permitted by"
                        + " the KubeVirt CR (permittedHostDevices)",
                "VirtualMachine/render-02 GPU_CAPACITY_SHORT VM render-02 needs nvidia.com/NVIDIA_A10-12Q, but the"
                        + " cluster's nodes (gpu-node-1) offer 1 allocatable for the 2 the set requests: shortfall 1"
                        + " (this VM and the ones after it go without",
                "VirtualMachine/train-03 GPU_CAPACITY_SHORT VM train-03 needs nvidia.com/GH100_H100_SXM5_80GB, but the"
                        + " cluster's nodes (none advertises it) offer 0 allocatable for the 1 the set requests:"
                        + " shortfall 1 (this VM and the ones after it go without",
                "VirtualMachine/train-03 NAD_MISSING NetworkAttachmentDefinition gpu/sriov-ens1f0 does not exist in"
                        + " the cluster");
        assertThat(report.findings()).filteredOn(f -> f.rule().equals("GPU_CAPACITY_SHORT"))
                .extracting(Finding::message).anyMatch(m -> m.contains("shortfall 1"));
        assertThat(report.notes()).isEmpty();
    }
}
