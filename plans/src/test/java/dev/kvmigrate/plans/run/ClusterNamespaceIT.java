package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster plan without a namespace creates its VMs in the kubeconfig context's namespace and starts them there
 * (the start step once looked for them in {@code default}).
 */
@EnableKubernetesMockClient(crud = true)
class ClusterNamespaceIT {
    static KubernetesClient client;
    static final ResourceDefinitionContext VMI = new ResourceDefinitionContext.Builder().withGroup("kubevirt.io")
            .withVersion("v1").withKind("VirtualMachineInstance").withPlural("virtualmachineinstances")
            .withNamespaced(true).build();

    @TempDir
    Path tmp;

    @Test
    void aVmIsStartedWhereItWasCreated() throws Exception {
        Path plan = ExampleHost.copy(tmp);
        Files.writeString(plan, Files.readString(plan).replace("target: dir:out/gpu-host", "target: {cluster: {}}")
                .replace("names: [designer-ws-01, inference-02, web-03]", "names: [web-03]")
                + "  startAfterImport: true\n");
        LoadedPlan lp = PlanReader.read(plan);
        PlanConversion.Prepared p = ExampleHost.prepare(plan);
        String ns = client.getNamespace();
        assertThat(ns).isNotEqualTo("default");
        assertThat(p.vm("web-03").orElseThrow().namespace()).as("no namespace in the plan").isEmpty();
        // What virt-controller would do once the VM runs: a Running VMI of the VM's name, in the VM's namespace.
        GenericKubernetesResource vmi = new GenericKubernetesResource();
        vmi.setApiVersion("kubevirt.io/v1");
        vmi.setKind("VirtualMachineInstance");
        vmi.setMetadata(new ObjectMetaBuilder().withName("web-03").withNamespace(ns).build());
        vmi.setAdditionalProperty("status", Map.of("phase", "Running"));
        client.genericKubernetesResources(VMI).inNamespace(ns).resource(vmi).create();

        ClusterTarget target = new ClusterTarget(client, ns, "gpu-host", new CopyingDisks(tmp.resolve("disks")));
        try (Journal j = Journal.open(lp.journal())) {
            PlanRunner.Outcome o = PlanRunner.run(p, target, Optional.empty(), j, new PlanRunner.Settings(false,
                    Set.of(), Optional.empty()), RunListener.NONE);
            assertThat(o.allSucceeded()).as(RunState.of(Journal.read(lp.journal())).toString()).isTrue();
        }
        ResourceDefinitionContext vm = new ResourceDefinitionContext.Builder().withGroup("kubevirt.io")
                .withVersion("v1").withKind("VirtualMachine").withPlural("virtualmachines").withNamespaced(true)
                .build();
        assertThat(client.genericKubernetesResources(vm).inNamespace(ns).withName("web-03")
                .get().getAdditionalProperties().get("spec").toString()).contains("runStrategy=Always");
    }
}
