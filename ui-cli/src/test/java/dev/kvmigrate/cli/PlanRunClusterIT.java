package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.converter.validate.SchemaSet;
import dev.kvmigrate.importer.standin.ClusterStandIn;
import dev.kvmigrate.inventory.VmSource;
import dev.kvmigrate.plans.example.ExampleDisks;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.plans.run.ClusterTarget;
import dev.kvmigrate.plans.run.Journal;
import dev.kvmigrate.plans.run.PlanConversion;
import dev.kvmigrate.plans.run.PlanRunner;
import dev.kvmigrate.plans.run.PlanSources;
import dev.kvmigrate.plans.run.PlanTargets;
import dev.kvmigrate.plans.run.RunListener;
import dev.kvmigrate.testing.SharedDir;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plan against the cluster stand-in (mock API + CDI controller emulation + loopback upload proxy):
 * VMs with the right GPU requests, DataVolumes populated with byte-identical disks, every object schema-valid;
 * a resumed run creates nothing and uploads nothing again.
 */
class PlanRunClusterIT {
    static final ResourceDefinitionContext VM = new ResourceDefinitionContext.Builder().withGroup("kubevirt.io")
            .withVersion("v1").withKind("VirtualMachine").withPlural("virtualmachines").withNamespaced(true).build();

    @TempDir
    Path tmp;

    @Test
    void theExampleMigratesIntoTheStandIn() throws Exception {
        String text = Files.readString(Path.of("../examples/gpu-host-plan.yaml"))
                .replace("target: dir:out/gpu-host", "target: {cluster: {namespace: default}}");
        Path planFile = ExampleCopy.into(tmp, text);
        ExampleDisks.create(tmp.resolve("gpu-host"), ExampleDisks.Maker.JAVA);
        LoadedPlan lp = PlanReader.read(planFile);
        PlanConversion.Prepared p;
        try (VmSource s = PlanSources.open(lp)) {
            p = PlanConversion.prepare(lp, s.scan(lp.plan().vms().selector()));
        }
        SchemaSet kubevirt = SchemaSet.of(List.of(SharedDir.require("schemas/kubevirt-swagger.json")));
        try (ClusterStandIn cluster = ClusterStandIn.start(tmp.resolve("volumes"),
                SharedDir.require("schemas/cdi-swagger.json"))) {
            ClusterTarget target = PlanTargets.cluster(lp, cluster.client());
            PlanRunner.Outcome o = run(p, target, lp, false);
            assertThat(o.vms()).containsOnlyKeys("designer-ws-01", "inference-02", "web-03");
            assertThat(o.allSucceeded()).isTrue();

            List<GenericKubernetesResource> vms = cluster.client().genericKubernetesResources(VM)
                    .inNamespace("default").list().getItems();
            Map<String, String> gpu = vms.stream().collect(Collectors.toMap(v -> v.getMetadata().getName(),
                    v -> new ObjectMapper().valueToTree(v).at("/spec/template/spec/domain/devices/gpus/0/deviceName")
                            .asText("")));
            assertThat(gpu).containsEntry("designer-ws-01", "nvidia.com/GRID_T4-2Q")
                    .containsEntry("inference-02", "nvidia.com/GA107GL_A2___A16").containsEntry("web-03", "");
            for (GenericKubernetesResource v : vms) {
                var body = new ObjectMapper().valueToTree(v);
                assertThat(kubevirt.schemaFor("kubevirt.io/v1", "VirtualMachine").orElseThrow().validate(body))
                        .as(v.getMetadata().getName()).isEmpty();
                assertThat(v.getMetadata().getLabels()).containsEntry("kv-migrate.dev/plan", "gpu-host");
            }
            assertThat(cluster.schemaViolations()).isEmpty();
            for (String[] d : ExampleCopy.DISKS) {
                Path volume = cluster.volume("default", d[1]).orElseThrow().file();
                assertThat(PlanRunDirIT.compare(tmp.resolve("gpu-host/disks").resolve(d[0]), volume)).as(d[1])
                        .isZero();
            }

            int tokens = cluster.tokensMinted();
            long creates = cluster.apiWrites().stream().filter(w -> w.startsWith("POST")).count();
            PlanRunner.Outcome again = run(p, target, lp, true);
            assertThat(again.allSucceeded()).isTrue();
            assertThat(cluster.tokensMinted()).as("no disk uploaded again").isEqualTo(tokens);
            assertThat(cluster.apiWrites().stream().filter(w -> w.startsWith("POST")).count())
                    .as("no object created again").isEqualTo(creates);
            assertThat(cluster.client().genericKubernetesResources(VM).inNamespace("default").list().getItems())
                    .hasSize(3);
        }
    }

    private static PlanRunner.Outcome run(PlanConversion.Prepared p, ClusterTarget t, LoadedPlan lp,
            boolean resume) {
        try (Journal j = Journal.open(lp.journal())) {
            return PlanRunner.run(p, t, Optional.empty(), j, new PlanRunner.Settings(resume, Set.of(),
                    Optional.empty()), RunListener.NONE);
        }
    }
}
