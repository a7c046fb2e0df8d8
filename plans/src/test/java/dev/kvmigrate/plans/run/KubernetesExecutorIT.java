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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out Jobs and the opt-in KubeVirt CR patch against fabric8's CRUD mock. There is no batch/v1 schema in
 * ../shared (only KubeVirt's and CDI's), so the Jobs are checked field by field rather than against a schema.
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

    @Test
    void oneJobPerVmRunsPlanRunOnlyThatVm() throws Exception {
        LoadedPlan lp = plan("{ovirt: {url: \"https://engine/ovirt-engine/api\", user: admin@internal,"
                + " passwordEnv: OVIRT_PW}}", "{cluster: {kubeconfig: /home/me/.kube/config, context: prod,"
                + " namespace: mig}}");
        List<HasMetadata> objects = KubernetesExecutor.objects(empty(lp), List.of("cad-ws-01", "Web 03"), "img:1",
                "mig");
        assertThat(objects).hasSize(3);
        ConfigMap cm = (ConfigMap) objects.get(0);
        MigrationPlan inPod = PlanReader.parse(cm.getData().get("plan.yaml"), "configmap");
        assertThat(inPod.target().cluster().get().kubeconfig()).isEmpty();
        assertThat(inPod.target().cluster().get().context()).isEmpty();
        assertThat(inPod.target().cluster().get().namespace()).contains("mig");
        Job web = (Job) objects.get(2);
        assertThat(web.getMetadata().getName()).isEqualTo("kvm-wave-1-web-03");
        assertThat(web.getMetadata().getLabels()).containsEntry("kv-migrate.dev/plan", "wave-1")
                .containsEntry("kv-migrate.dev/vm", "web-03");
        var pod = web.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("kv-migrate");
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        var c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("img:1");
        // no shell (the image has none): the image's entrypoint runs the CLI with these arguments, the VM name
        // one argument whatever it holds, the run's state on the writable /work
        assertThat(c.getCommand()).isEmpty();
        assertThat(c.getArgs()).containsExactly("plan", "run", "/plan/plan.yaml", "--only", "Web 03", "--resume",
                "--state-dir", "/work");
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("OVIRT_PW");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("kvm-wave-1-source");
        });
        assertThat(pod.getVolumes()).extracting(v -> v.getName()).containsExactly("plan", "work");
        assertThat(KubernetesExecutor.yaml(objects)).contains("kind: \"Job\"", "kind: \"ConfigMap\"");

        assertThat(KubernetesExecutor.create(client, objects)).hasSize(3);
        assertThat(KubernetesExecutor.create(client, objects)).as("idempotent").isEmpty();
        assertThat(client.batch().v1().jobs().inNamespace("mig").withLabel("kv-migrate.dev/plan", "wave-1").list()
                .getItems()).hasSize(2);
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
