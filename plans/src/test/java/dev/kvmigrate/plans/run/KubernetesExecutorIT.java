package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.MigrationPlan;
import dev.kvmigrate.plans.model.PlanReader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.kvmigrate.importer.sink.CdiUploadSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out Jobs and the opt-in KubeVirt CR patch against fabric8's CRUD mock. The Jobs, RBAC objects and the
 * ConfigMap are checked against the bundled strict Kubernetes schema (../shared has KubeVirt's and CDI's only).
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesExecutorIT {
    static KubernetesClient client;

    @TempDir
    Path tmp;

    /** The plan converted from an inventory without VMs: the Jobs are made from the VM names alone. */
    static PlanConversion.Prepared empty(LoadedPlan lp) {
        return PlanConversion.prepare(lp, dev.kvmigrate.inventory.model.Inventory.of(
                new dev.kvmigrate.inventory.model.SourceRef(dev.kvmigrate.inventory.model.SourceKind.OVIRT,
                        "https://engine/ovirt-engine/api"), java.util.Optional.empty(), List.of()));
    }

    LoadedPlan plan(String source, String target) throws Exception {
        Path f = tmp.resolve("wave.yaml");
        Files.writeString(f, "apiVersion: kv-migrate.dev/v1alpha1\nkind: MigrationPlan\nmetadata: {name: wave-1}\n"
                + "source: " + source + "\ntarget: " + target + "\n");
        return PlanReader.read(f);
    }

    static KubernetesExecutor.Submission submission(List<List<String>> waves, int concurrency) {
        return new KubernetesExecutor.Submission(waves, concurrency, Optional.of(new CdiUploadSink.PublishedProxy(
                "https://cdi-uploadproxy.cdi.svc", Optional.of("-----BEGIN CERTIFICATE-----\nMIIB\n"
                        + "-----END CERTIFICATE-----\n"))), "img:1", "mig");
    }

    /** Schema findings of each object against the bundled strict Kubernetes schema (fabric8's model). */
    static List<String> schemaFindings(List<HasMetadata> objects) {
        var schemas = dev.kvmigrate.converter.validate.SchemaSet.bundled();
        List<dev.kvmigrate.converter.validate.LocatedObject> located = objects.stream().map(o ->
                new dev.kvmigrate.converter.validate.LocatedObject(o.getKind() + "/" + o.getMetadata().getName(),
                        (com.fasterxml.jackson.databind.JsonNode) new ObjectMapper().valueToTree(o), Map.of()))
                .toList();
        return dev.kvmigrate.converter.validate.Validator.validateObjects(located, List.of(), schemas,
                dev.kvmigrate.converter.validate.ClusterFacts.NONE).findings().stream()
                .filter(f -> f.rule().equals("MANIFEST_SCHEMA") || f.rule().startsWith("SCHEMA"))
                .map(f -> f.path() + ": " + f.message()).toList();
    }

    @Test
    void oneIndexedJobPerWaveWithRbacAndAConfigMapTheIndexesReadTheirVmFrom() throws Exception {
        LoadedPlan lp = plan("{ovirt: {url: \"https://engine/ovirt-engine/api\", user: admin@internal,"
                + " passwordEnv: OVIRT_PW}}", "{cluster: {kubeconfig: /home/me/.kube/config, context: prod,"
                + " namespace: mig}}\noptions: {bandwidth: 100M}");
        List<HasMetadata> objects = KubernetesExecutor.objects(empty(lp), submission(List.of(List.of("cad-ws-01",
                "Web 03", "render-7"), List.of("cad-ws-02")), 2));
        assertThat(objects).extracting(HasMetadata::getKind).containsExactly("ServiceAccount", "Role", "RoleBinding",
                "ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Job", "Job", "Job");
        assertThat(schemaFindings(objects)).as("every object passes the strict Kubernetes schema").isEmpty();
        Job misspelt = new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder((Job) objects.get(7)).build();
        misspelt.getSpec().setAdditionalProperty("backofLimitPerIndex", 2);
        assertThat(schemaFindings(List.of(misspelt))).as("the check can fail").isNotEmpty();

        ConfigMap cm = (ConfigMap) objects.get(6);
        MigrationPlan inPod = PlanReader.parse(cm.getData().get("plan.yaml"), "configmap");
        assertThat(inPod.target().cluster().get().kubeconfig()).isEmpty();
        assertThat(inPod.target().cluster().get().context()).isEmpty();
        assertThat(inPod.target().cluster().get().namespace()).contains("mig");
        assertThat(inPod.target().cluster().get().uploadProxyUrl()).contains("https://cdi-uploadproxy.cdi.svc");
        assertThat(inPod.target().cluster().get().uploadProxyCaFile()).contains("/plan/uploadproxy-ca.pem");
        assertThat(cm.getData()).containsKeys("uploadproxy-ca.pem", "cluster-facts.json", "objects.yaml");
        assertThat(cm.getData().get("wave-1.json")).isEqualTo("[\"cad-ws-01\",\"Web 03\",\"render-7\"]");
        assertThat(cm.getData().get("wave-2.json")).isEqualTo("[\"cad-ws-02\"]");
        // 100M (10^8 B/s) over the 2 pods that run at once
        assertThat(inPod.options().bandwidth()).contains("50000000");
        assertThat(cm.getData().get("bandwidth-share")).isEqualTo("50000000 B/s per pod (100M / 2 pods)");

        Job wave1 = (Job) objects.get(7);
        assertThat(wave1.getMetadata().getName()).isEqualTo("kvm-wave-1-wave-1");
        assertThat(wave1.getSpec().getCompletionMode()).isEqualTo("Indexed");
        assertThat(wave1.getSpec().getCompletions()).isEqualTo(3);
        assertThat(wave1.getSpec().getParallelism()).isEqualTo(2);
        assertThat(wave1.getSpec().getBackoffLimitPerIndex()).isEqualTo(KubernetesExecutor.RETRIES_PER_VM);
        assertThat(wave1.getSpec().getSuspend()).isFalse();
        var rules = wave1.getSpec().getPodFailurePolicy().getRules();
        assertThat(rules.get(0).getAction()).isEqualTo("FailIndex");
        assertThat(rules.get(0).getOnExitCodes().getValues()).containsExactly(2, 3);
        assertThat(rules.get(1).getAction()).isEqualTo("Ignore");
        assertThat(rules.get(1).getOnPodConditions().get(0).getType()).isEqualTo("DisruptionTarget");
        var pod = wave1.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("kvm-wave-1");
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        var c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("img:1");
        // no shell (the image has none): the image's entrypoint runs the CLI with these arguments
        assertThat(c.getCommand()).isEmpty();
        assertThat(c.getArgs()).containsExactly("plan", "run", "/plan/plan.yaml", "--vm-list", "/plan/wave-1.json",
                "--cluster-facts", "/plan/cluster-facts.json", "--resume", "--state-dir", "/work",
                "--state-in-cluster");
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("OVIRT_PW");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("kvm-wave-1-source");
        });
        assertThat(pod.getVolumes()).extracting(v -> v.getName()).containsExactly("plan", "work");

        Job wave2 = (Job) objects.get(8);
        assertThat(wave2.getSpec().getSuspend()).as("later waves wait for the coordinator").isTrue();
        assertThat(wave2.getSpec().getCompletions()).isEqualTo(1);
        assertThat(wave2.getSpec().getParallelism()).isEqualTo(1);
        Job coordinator = (Job) objects.get(9);
        assertThat(coordinator.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsExactly("plan", "coordinate", "/plan/plan.yaml");
        assertThat(coordinator.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo("kvm-wave-1-coordinator");

        assertThat(KubernetesExecutor.yaml(objects)).contains("kind: \"Job\"", "kind: \"ConfigMap\"",
                "kind: \"Role\"");
        assertThat(KubernetesExecutor.create(client, objects)).hasSize(10);
        assertThat(KubernetesExecutor.create(client, objects)).as("idempotent").isEmpty();
        assertThat(client.batch().v1().jobs().inNamespace("mig").withLabel("kv-migrate.dev/plan", "wave-1").list()
                .getItems()).hasSize(3);
    }

    @Test
    void rolesGrantNamedVerbsOnNamedResourcesOnly() throws Exception {
        LoadedPlan lp = plan("{libvirt: \"qemu+ssh://root@host/system\"}", "{cluster: {namespace: mig}}");
        List<HasMetadata> objects = KubernetesExecutor.objects(empty(lp), submission(List.of(List.of("a"),
                List.of("b")), 4));
        List<io.fabric8.kubernetes.api.model.rbac.Role> roles = objects.stream()
                .filter(o -> o instanceof io.fabric8.kubernetes.api.model.rbac.Role)
                .map(o -> (io.fabric8.kubernetes.api.model.rbac.Role) o).toList();
        assertThat(roles).hasSize(2);
        assertThat(objects).noneMatch(o -> o.getKind().startsWith("Cluster"));
        for (var role : roles) {
            for (var rule : role.getRules()) {
                assertThat(rule.getVerbs()).doesNotContain("*").doesNotContain("deletecollection");
                assertThat(rule.getResources()).doesNotContain("*");
                assertThat(rule.getApiGroups()).doesNotContain("*");
            }
        }
        var coordinator = roles.get(1).getRules();
        assertThat(coordinator).hasSize(1);
        assertThat(coordinator.get(0).getResources()).containsExactly("jobs");
        assertThat(coordinator.get(0).getVerbs()).containsExactlyInAnyOrder("get", "list", "watch", "patch");
        assertThat(roles.get(0).getRules()).anySatisfy(r -> {
            assertThat(r.getApiGroups()).containsExactly("upload.cdi.kubevirt.io");
            assertThat(r.getVerbs()).containsExactly("create");
        });
        var bindings = objects.stream().filter(o -> o instanceof io.fabric8.kubernetes.api.model.rbac.RoleBinding)
                .map(o -> (io.fabric8.kubernetes.api.model.rbac.RoleBinding) o).toList();
        assertThat(bindings).allSatisfy(b -> {
            assertThat(b.getRoleRef().getKind()).isEqualTo("Role");
            assertThat(b.getSubjects().get(0).getNamespace()).isEqualTo("mig");
        });
    }

    @Test
    void oneWaveNeedsNoCoordinatorAndPluralsAreKubernetesResourceNames() throws Exception {
        LoadedPlan lp = plan("{libvirt: \"qemu+ssh://root@host/system\"}", "{cluster: {namespace: mig}}");
        List<HasMetadata> objects = KubernetesExecutor.objects(empty(lp), submission(List.of(List.of("a", "b")), 4));
        assertThat(objects).extracting(HasMetadata::getKind).containsExactly("ServiceAccount", "Role", "RoleBinding",
                "ConfigMap", "Job");
        assertThat(((Job) objects.get(4)).getSpec().getParallelism()).as("at most the wave's size").isEqualTo(2);
        assertThat(KubernetesExecutor.plural("VirtualMachine")).isEqualTo("virtualmachines");
        assertThat(KubernetesExecutor.plural("ResourceClaimTemplate")).isEqualTo("resourceclaimtemplates");
        assertThat(KubernetesExecutor.plural("NetworkPolicy")).isEqualTo("networkpolicies");
        assertThat(KubernetesExecutor.plural("Ingress")).isEqualTo("ingresses");
    }

    @Test
    void localSourcesAndDirectoryTargetsCannotScaleOut() throws Exception {
        assertThatThrownBy(() -> KubernetesExecutor.requireRunnable(plan("{xmlDir: d}", "{cluster: {}}")))
                .hasMessageContaining("local path");
        assertThatThrownBy(() -> KubernetesExecutor.requireRunnable(plan("{libvirt: \"qemu:///system\"}",
                "dir:out"))).hasMessageContaining("needs a cluster target");
    }

    @Test
    void adminPatchIsMergedIntoTheKubevirtCrOnlyWhenApplied() throws Exception {
        ResourceDefinitionContext kv = new ResourceDefinitionContext.Builder().withGroup("kubevirt.io")
                .withVersion("v1").withKind("KubeVirt").withPlural("kubevirts").withNamespaced(true).build();
        GenericKubernetesResource cr = new GenericKubernetesResource();
        cr.setApiVersion("kubevirt.io/v1");
        cr.setKind("KubeVirt");
        cr.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("kubevirt")
                .withNamespace("kubevirt").build());
        cr.setAdditionalProperty("spec", Map.of("configuration", Map.of("developerConfiguration",
                Map.of("featureGates", List.of("Snapshot")))));
        client.genericKubernetesResources(kv).inNamespace("kubevirt").resource(cr).create();
        LoadedPlan lp = plan("{libvirt: \"qemu:///system\"}", "{cluster: {namespace: mig}}");
        ClusterTarget t = PlanTargets.cluster(lp, client);
        ObjectNode patch = (ObjectNode) new ObjectMapper().readTree("{\"spec\":{\"configuration\":"
                + "{\"permittedHostDevices\":{\"mediatedDevices\":[{\"mdevNameSelector\":\"GRID T4-2Q\","
                + "\"resourceName\":\"nvidia.com/GRID_T4-2Q\"}]}}}}");
        assertThat(t.applyAdminPatch(patch)).containsExactly("kubevirt/kubevirt");
        var after = new ObjectMapper().valueToTree(client.genericKubernetesResources(kv).inNamespace("kubevirt")
                .withName("kubevirt").get());
        assertThat(after.at("/spec/configuration/permittedHostDevices/mediatedDevices/0/resourceName").asText())
                .isEqualTo("nvidia.com/GRID_T4-2Q");
        assertThat(after.at("/spec/configuration/developerConfiguration/featureGates/0").asText())
                .isEqualTo("Snapshot");
    }
}
