package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.plans.example.ExampleDisks;
import dev.kvmigrate.testing.SharedDir;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan validate --from-cluster} through a kubeconfig against fabric8's CRUD mock: GPU names the KubeVirt
 * CR does not permit and GPU capacity the nodes lack are blockers; once the cluster has them, the plan is clean.
 */
@EnableKubernetesMockClient(crud = true)
class PlanValidateClusterIT {
    static KubernetesMockServer server;
    static KubernetesClient client;
    static final ResourceDefinitionContext KUBEVIRT = ctx("kubevirt.io", "v1", "KubeVirt", "kubevirts");
    static final ResourceDefinitionContext NAD = ctx("k8s.cni.cncf.io", "v1", "NetworkAttachmentDefinition",
            "network-attachment-definitions");

    @TempDir
    Path tmp;

    static ResourceDefinitionContext ctx(String g, String v, String k, String p) {
        return new ResourceDefinitionContext.Builder().withGroup(g).withVersion(v).withKind(k).withPlural(p)
                .withNamespaced(true).build();
    }

    static GenericKubernetesResource object(String apiVersion, String kind, String ns, String name,
            Map<String, Object> spec) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion(apiVersion);
        r.setKind(kind);
        r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        r.setAdditionalProperty("spec", spec);
        return r;
    }

    static Map<String, Object> permitted(List<Map<String, Object>> mdev, List<Map<String, Object>> pci) {
        return Map.of("configuration", Map.of("permittedHostDevices", Map.of("mediatedDevices", mdev,
                "pciHostDevices", pci)));
    }

    @Test
    void gpuNamesAndCapacityComeFromTheCluster() throws Exception {
        Path kubevirtSwagger = SharedDir.require("schemas/kubevirt-swagger.json");
        server.expect().get().withPath("/openapi/v2").andReturn(200, Files.readString(kubevirtSwagger)).always();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("mig").endMetadata().build())
                .create();
        client.genericKubernetesResources(NAD).inNamespace("design").resource(object("k8s.cni.cncf.io/v1",
                "NetworkAttachmentDefinition", "design", "br-design", Map.of("config", "{}"))).create();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("gpu-1").endMetadata().withNewStatus()
                .withAllocatable(Map.of("nvidia.com/GRID_T4-2Q", new Quantity("2"))).endStatus().build()).create();
        List<Map<String, Object>> t4 = List.of(Map.of("mdevNameSelector", "GRID T4-2Q", "resourceName",
                "nvidia.com/GRID_T4-2Q"));
        client.genericKubernetesResources(KUBEVIRT).inNamespace("kubevirt").resource(object("kubevirt.io/v1",
                "KubeVirt", "kubevirt", "kubevirt", permitted(t4, List.of()))).create();

        Path kubeconfig = tmp.resolve("kubeconfig");
        Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n"
                + "    server: " + client.getMasterUrl() + "\n    insecure-skip-tls-verify: true\ncontexts:\n"
                + "- name: mock\n  context: {cluster: mock, user: u, namespace: mig}\ncurrent-context: mock\n"
                + "users:\n- name: u\n  user: {token: t}\n");
        String text = Files.readString(Path.of("../examples/gpu-host-plan.yaml")).replace("target: dir:out/gpu-host",
                "target: {cluster: {kubeconfig: kubeconfig, context: mock, namespace: mig}}");
        Path plan = ExampleCopy.into(tmp, text);
        ExampleDisks.create(tmp.resolve("gpu-host"), ExampleDisks.Maker.JAVA);
        String cdi = SharedDir.require("schemas/cdi-swagger.json").toString();

        CliRun short1 = CliRun.run("plan", "validate", plan.toString(), "--from-cluster", "--schema", cdi);
        assertThat(short1.code()).as(short1.out() + short1.err()).isEqualTo(1);
        // gpuTarget auto on a cluster target: the conversion asks the cluster, which has no A2 to give (the VM is
        // blocked before it is written)
        assertThat(short1.out()).contains("gpuTarget auto: device plugin", "GPU_CAPACITY_EXCEEDED",
                "nvidia.com/GA107GL_A2___A16").doesNotContain("schema:");

        client.nodes().withName("gpu-1").edit(n -> new NodeBuilder(n).editStatus().withAllocatable(Map.of(
                "nvidia.com/GRID_T4-2Q", new Quantity("2"), "nvidia.com/GA107GL_A2___A16", new Quantity("1")))
                .endStatus().build());
        List<Map<String, Object>> a2 = List.of(Map.of("pciVendorSelector", "10DE:25B6", "resourceName",
                "nvidia.com/GA107GL_A2___A16"));
        GenericKubernetesResource cr = client.genericKubernetesResources(KUBEVIRT).inNamespace("kubevirt")
                .withName("kubevirt").get();
        cr.setAdditionalProperty("spec", permitted(t4, a2));
        client.genericKubernetesResources(KUBEVIRT).inNamespace("kubevirt").resource(cr).update();
        CliRun ok = CliRun.run("plan", "validate", plan.toString(), "--from-cluster", "--schema", cdi);
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("3 VM(s), 0 blocker(s)");
    }
}
