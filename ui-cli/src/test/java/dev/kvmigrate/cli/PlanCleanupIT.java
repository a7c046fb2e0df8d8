package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.importer.standin.ClusterStandIn;
import dev.kvmigrate.inventory.VmSource;
import dev.kvmigrate.plans.example.ExampleDisks;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.plans.run.Journal;
import dev.kvmigrate.plans.run.PlanConversion;
import dev.kvmigrate.plans.run.PlanRunner;
import dev.kvmigrate.plans.run.PlanSources;
import dev.kvmigrate.plans.run.PlanTargets;
import dev.kvmigrate.plans.run.RunListener;
import dev.kvmigrate.testing.SharedDir;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan cleanup} against the cluster stand-in (CRUD mock API + CDI emulation): after a real {@code plan run}
 * of the example, and with unrelated objects seeded beside the plan's (unlabelled ones, ones of another plan), a
 * dry run lists and deletes nothing, {@code --only VM} deletes that VM's objects only, and a full cleanup leaves
 * exactly the objects the plan's label is not on.
 */
class PlanCleanupIT {
    static final String[][] KINDS = {
        {"kubevirt.io/v1", "VirtualMachine"}, {"cdi.kubevirt.io/v1beta1", "DataVolume"},
        {"v1", "PersistentVolumeClaim"}, {"resource.k8s.io/v1", "ResourceClaimTemplate"},
        {"resource.k8s.io/v1", "ResourceClaim"}, {"batch/v1", "Job"}, {"v1", "ConfigMap"},
        {"rbac.authorization.k8s.io/v1", "RoleBinding"}, {"rbac.authorization.k8s.io/v1", "Role"},
        {"v1", "ServiceAccount"}};

    @TempDir
    Path tmp;

    static ResourceDefinitionContext ctx(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        return new ResourceDefinitionContext.Builder().withGroup(slash < 0 ? "" : apiVersion.substring(0, slash))
                .withVersion(apiVersion.substring(slash + 1)).withKind(kind)
                .withPlural(kind.toLowerCase(Locale.ROOT) + "s").withNamespaced(true).build();
    }

    private static void seed(KubernetesClient c, String apiVersion, String kind, String name, Map<String, String> labels) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion(apiVersion);
        r.setKind(kind);
        r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").withLabels(labels).build());
        r.setAdditionalProperty("spec", Map.of());
        c.genericKubernetesResources(ctx(apiVersion, kind)).inNamespace("default").resource(r).create();
    }

    /** Every object of the kinds above in {@code default}: "Kind/name" → its labels. */
    private static Map<String, Map<String, String>> all(KubernetesClient c) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String[] k : KINDS) {
            for (GenericKubernetesResource r : c.genericKubernetesResources(ctx(k[0], k[1])).inNamespace("default")
                    .list().getItems()) {
                out.put(k[1] + "/" + r.getMetadata().getName(), r.getMetadata().getLabels() == null ? Map.of()
                        : r.getMetadata().getLabels());
            }
        }
        return out;
    }

    private static List<String> ours(Map<String, Map<String, String>> objects, String vm) {
        List<String> out = new ArrayList<>();
        objects.forEach((k, l) -> {
            if ("gpu-host".equals(l.get("kv-migrate.dev/plan")) && (vm == null || vm.equals(l.get("kv-migrate.dev/vm")))) {
                out.add(k);
            }
        });
        return out;
    }

    @Test
    void cleanupDeletesWhatThePlanLabelledAndNothingElse() throws Exception {
        try (ClusterStandIn cluster = ClusterStandIn.start(tmp.resolve("volumes"),
                SharedDir.require("schemas/cdi-swagger.json"))) {
            Files.writeString(tmp.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n"
                    + "  cluster:\n    server: " + cluster.client().getMasterUrl() + "\n    insecure-skip-tls-verify:"
                    + " true\ncontexts:\n- name: mock\n  context: {cluster: mock, user: u, namespace: default}\n"
                    + "current-context: mock\nusers:\n- name: u\n  user: {token: t}\n");
            String text = Files.readString(Path.of("../examples/gpu-host-plan.yaml"))
                    .replace("target: dir:out/gpu-host", "target: {cluster: {kubeconfig: kubeconfig, context: mock,"
                            + " namespace: default, uploadProxyUrl: \"" + cluster.uploadProxyUrl() + "\"}}");
            Path plan = ExampleCopy.into(tmp, text);
            ExampleDisks.create(tmp.resolve("gpu-host"), ExampleDisks.Maker.JAVA);
            // The run as PlanRunClusterIT does it: converted without asking the stand-in (no GPU nodes) for capacity.
            LoadedPlan lp = PlanReader.read(plan);
            PlanConversion.Prepared p;
            try (VmSource s = PlanSources.open(lp)) {
                p = PlanConversion.prepare(lp, s.scan(lp.plan().vms().selector()));
            }
            try (Journal j = Journal.open(lp.journal())) {
                PlanRunner.Outcome o = PlanRunner.run(p, PlanTargets.cluster(lp, cluster.client()), Optional.empty(),
                        j, new PlanRunner.Settings(false, Set.of(), Optional.empty()), RunListener.NONE);
                assertThat(o.allSucceeded()).as(o.toString()).isTrue();
            }

            KubernetesClient c = cluster.client();
            Map<String, String> none = Map.of();
            Map<String, String> other = Map.of("kv-migrate.dev/plan", "other-plan", "kv-migrate.dev/vm", "web-03");
            Map<String, String> web = Map.of("kv-migrate.dev/plan", "gpu-host", "kv-migrate.dev/vm", "web-03");
            seed(c, "kubevirt.io/v1", "VirtualMachine", "keep-vm", none);
            seed(c, "kubevirt.io/v1", "VirtualMachine", "other-vm", other);
            seed(c, "cdi.kubevirt.io/v1beta1", "DataVolume", "other-dv", other);
            seed(c, "v1", "PersistentVolumeClaim", "keep-pvc", Map.of("app", "db"));
            seed(c, "batch/v1", "Job", "other-hook", other);
            seed(c, "v1", "PersistentVolumeClaim", "web-03-scratch", web);
            seed(c, "resource.k8s.io/v1", "ResourceClaimTemplate", "web-03", web);
            seed(c, "resource.k8s.io/v1", "ResourceClaim", "web-03-gpus", web);
            seed(c, "batch/v1", "Job", "kvm-gpu-host-web-03-post", web);
            seed(c, "batch/v1", "Job", "kvm-gpu-host-designer-ws-01-post", Map.of("kv-migrate.dev/plan",
                    "gpu-host"));
            // what a scale-out leaves: the plan's ConfigMaps (the plan; a VM's run state) and RBAC
            Map<String, String> plan0 = Map.of("kv-migrate.dev/plan", "gpu-host");
            seed(c, "v1", "ConfigMap", "kvm-gpu-host-plan", plan0);
            seed(c, "v1", "ConfigMap", "kvm-gpu-host-run-web-03", web);
            seed(c, "v1", "ConfigMap", "keep-settings", none);
            seed(c, "rbac.authorization.k8s.io/v1", "Role", "kvm-gpu-host", plan0);
            seed(c, "rbac.authorization.k8s.io/v1", "RoleBinding", "kvm-gpu-host", plan0);
            seed(c, "v1", "ServiceAccount", "kvm-gpu-host", plan0);
            seed(c, "v1", "ServiceAccount", "keep-sa", none);
            Map<String, Map<String, String>> before = all(c);
            assertThat(ours(before, null)).contains("VirtualMachine/designer-ws-01", "VirtualMachine/web-03",
                    "DataVolume/web-03-vda", "DataVolume/inference-02-vdb");

            CliAccess.Run dry = CliAccess.run("plan", "cleanup", plan.toString(), "--only", "web-03", "--dry-run");
            assertThat(dry.code()).as(dry.out() + dry.err()).isZero();
            assertThat(dry.out()).contains("KIND", "ACTION", "would delete", "default/web-03-vda", "dry run");
            assertThat(all(c)).as("a dry run deletes nothing").isEqualTo(before);

            CliAccess.Run one = CliAccess.run("plan", "cleanup", plan.toString(), "--only", "web-03");
            assertThat(one.code()).as(one.out() + one.err()).isZero();
            Map<String, Map<String, String>> afterOne = all(c);
            assertThat(ours(afterOne, "web-03")).isEmpty();
            assertThat(afterOne).containsKeys("VirtualMachine/designer-ws-01", "DataVolume/inference-02-vdb",
                    "Job/kvm-gpu-host-designer-ws-01-post", "VirtualMachine/other-vm", "DataVolume/other-dv",
                    "ConfigMap/kvm-gpu-host-plan", "Role/kvm-gpu-host", "ServiceAccount/kvm-gpu-host");
            assertThat(one.out()).contains("VirtualMachine", "default/web-03", "deleted")
                    .doesNotContain("designer-ws-01", "other-");

            CliAccess.Run rest = CliAccess.run("plan", "cleanup", plan.toString());
            assertThat(rest.code()).as(rest.out() + rest.err()).isZero();
            Map<String, Map<String, String>> after = all(c);
            assertThat(ours(after, null)).as("nothing labelled by the plan is left").isEmpty();
            Map<String, Map<String, String>> expected = new LinkedHashMap<>();
            before.forEach((k, l) -> {
                if (!"gpu-host".equals(l.get("kv-migrate.dev/plan"))) {
                    expected.put(k, l);
                }
            });
            assertThat(after).as("everything not labelled by the plan stays").isEqualTo(expected);
            assertThat(after).containsKeys("VirtualMachine/keep-vm", "VirtualMachine/other-vm",
                    "DataVolume/other-dv", "PersistentVolumeClaim/keep-pvc", "Job/other-hook", "ConfigMap/keep-settings",
                    "ServiceAccount/keep-sa");

            CliAccess.Run again = CliAccess.run("plan", "cleanup", plan.toString());
            assertThat(again.code()).isZero();
            assertThat(again.out()).contains("nothing labelled with it");
        }
    }

    @Test
    void aDirectoryTargetHasNothingInACluster() throws Exception {
        Path plan = ExampleCopy.into(tmp, null);
        CliAccess.Run r = CliAccess.run("plan", "cleanup", plan.toString(), "--dry-run");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("directory", "nothing of the plan is in a cluster", "remove it yourself");
    }
}
