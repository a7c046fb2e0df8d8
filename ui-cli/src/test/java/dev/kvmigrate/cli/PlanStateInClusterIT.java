package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.importer.standin.ClusterStandIn;
import dev.kvmigrate.plans.example.ExampleDisks;
import dev.kvmigrate.plans.report.ReportWriter;
import dev.kvmigrate.plans.run.ClusterRunState;
import dev.kvmigrate.plans.run.Journal;
import dev.kvmigrate.plans.run.JournalEntry;
import dev.kvmigrate.plans.run.PlanConversion;
import dev.kvmigrate.plans.run.StepState;
import dev.kvmigrate.testing.SharedDir;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan run --state-in-cluster} into the cluster stand-in, the way a scale-out pod runs it: its state
 * directory is empty on every try, so what it resumes from is the ConfigMap per VM that the runs keep in the
 * cluster. {@code plan status --from-cluster} shows (and reports) that state with the local status' table.
 */
class PlanStateInClusterIT {
    @TempDir
    Path tmp;

    @Test
    void aRetriedRunWithAnEmptyStateDirSeesItsVmFinishedInTheCluster() throws Exception {
        try (ClusterStandIn cluster = start()) {
            Path plan = plan(cluster, "");
            Path a = tmp.resolve("state-a");
            CliRun first = CliRun.run("plan", "run", plan.toString(), "--only", "web-03", "--state-in-cluster",
                    "--state-dir", a.toString());
            assertThat(first.code()).as(first.out() + first.err()).isZero();
            ConfigMap cm = cluster.client().configMaps().inNamespace("default").withName("kvm-gpu-host-run-web-03")
                    .get();
            assertThat(cm).isNotNull();
            assertThat(cm.getMetadata().getLabels()).containsEntry(PlanConversion.LABEL_PLAN, "gpu-host")
                    .containsEntry(PlanConversion.LABEL_VM, "web-03");
            List<JournalEntry> local = Journal.read(a.resolve("plan.yaml.journal"));
            assertThat(new ClusterRunState(cluster.client(), "default", "gpu-host").entries("web-03"))
                    .as("every VM entry but coalesced progress").containsAll(local.stream()
                            .filter(e -> e.vm().isPresent() && e.state() != StepState.PROGRESS).toList());
            long bytes = cluster.uploadBodyBytes();
            int tokens = cluster.tokensMinted();
            assertThat(tokens).isPositive();

            Path b = tmp.resolve("state-b");
            CliRun again = CliRun.run("plan", "run", plan.toString(), "--only", "web-03", "--resume",
                    "--state-in-cluster", "--state-dir", b.toString());
            assertThat(again.code()).as(again.out() + again.err()).isZero();
            assertThat(again.err()).contains("seeded the journal");
            assertThat(cluster.uploadBodyBytes()).as("nothing sent again").isEqualTo(bytes);
            assertThat(cluster.tokensMinted()).as("no upload begun again").isEqualTo(tokens);

            CliRun localStatus = CliRun.run("plan", "status", plan.toString(), "--state-dir", a.toString());
            CliRun clusterStatus = CliRun.run("plan", "status", plan.toString(), "--from-cluster");
            assertThat(clusterStatus.code()).as(clusterStatus.out() + clusterStatus.err()).isZero();
            assertThat(row(clusterStatus.out(), "web-03")).isEqualTo(row(localStatus.out(), "web-03"))
                    .contains("SUCCEEDED");
            assertThat(clusterStatus.out().lines().findFirst()).isEqualTo(localStatus.out().lines().findFirst());
            assertThat(clusterStatus.out()).contains("1 of 3 VM(s) ended");

            CliRun json = CliRun.run("plan", "status", plan.toString(), "--from-cluster", "-o", "json");
            assertThat(json.code()).as(json.err()).isZero();
            JsonNode vms = Mappers.json().readTree(json.out()).get("vms");
            assertThat(vms).hasSize(1);
            assertThat(vms.get(0).get("name").asText()).isEqualTo("web-03");
            assertThat(vms.get(0).get("outcome").asText()).isEqualTo("SUCCEEDED");

            Path report = tmp.resolve("report");
            CliRun reported = CliRun.run("plan", "status", plan.toString(), "--from-cluster", "--report",
                    report.toString());
            assertThat(reported.code()).as(reported.out() + reported.err()).isZero();
            assertThat(report.resolve(ReportWriter.HTML_FILE)).isRegularFile();
            assertThat(report.resolve(ReportWriter.JUNIT_FILE)).isRegularFile();
            JsonNode r = Mappers.json().readTree(report.resolve(ReportWriter.JSON_FILE).toFile());
            assertThat(r.toString()).contains("web-03", "SUCCEEDED");
            assertThat(cluster.schemaViolations()).isEmpty();
        }
    }

    @Test
    void aRunCutMidDiskResumesFromAnEmptyStateDirWithoutResendingFinishedDisks() throws Exception {
        try (ClusterStandIn cluster = start()) {
            Path plan = plan(cluster, "\n  bandwidth: 1M");
            // inference-02 passes through a GPU: a node that offers one
            cluster.client().nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata()
                    .withName("gpu-node").endMetadata().withNewStatus().addToAllocatable("nvidia.com/GA107GL_A2___A16",
                            new io.fabric8.kubernetes.api.model.Quantity("1")).endStatus().build()).create();
            Path a = tmp.resolve("state-a");
            ClusterRunState state = new ClusterRunState(cluster.client(), "default", "gpu-host");
            CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.run("plan", "run",
                    plan.toString(), "--only", "inference-02", "--concurrency", "1", "--state-in-cluster",
                    "--state-dir", a.toString()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            Optional<String> finished = Optional.empty();
            while (finished.isEmpty()) {
                assertThat(System.nanoTime()).as("a disk finished").isLessThan(deadline);
                assertThat(run.isDone()).as("the run is still going: " + (run.isDone() ? run.get().err() : ""))
                        .isFalse();
                finished = state.entries("inference-02").stream().filter(e -> e.step().equals("import-disk")
                        && e.state() == StepState.SUCCEEDED).map(e -> e.detail("disk").orElseThrow()).findFirst();
                Thread.sleep(100);
            }
            CliRun cancel = CliRun.run("plan", "cancel", plan.toString(), "--state-dir", a.toString());
            assertThat(cancel.code()).as(cancel.out() + cancel.err()).isZero();
            CliRun cancelled = run.get(120, TimeUnit.SECONDS);
            assertThat(cancelled.code()).as(cancelled.out() + cancelled.err()).isEqualTo(130);
            String done = finished.get();
            List<JournalEntry> kept = state.entries("inference-02");
            assertThat(kept).as("the cut disk's failure is in the cluster").anyMatch(e -> e.step().equals(
                    "import-disk") && e.state() == StepState.FAILED && !e.detail("disk").orElseThrow().equals(done));
            long startsOfDone = starts(kept, done);

            Files.writeString(plan, Files.readString(plan).replace("\n  bandwidth: 1M", ""));
            int tokens = cluster.tokensMinted();
            Path c = tmp.resolve("state-c");
            CliRun resumed = CliRun.run("plan", "run", plan.toString(), "--only", "inference-02", "--resume",
                    "--state-in-cluster", "--state-dir", c.toString());
            assertThat(resumed.code()).as(resumed.out() + resumed.err()).isZero();
            assertThat(cluster.tokensMinted() - tokens).as("only the cut disk is uploaded again").isEqualTo(1);
            assertThat(starts(Journal.read(c.resolve("plan.yaml.journal")), done)).as("finished disk not begun again")
                    .isEqualTo(startsOfDone);
            for (String[] d : ExampleCopy.DISKS) {
                if (d[1].startsWith("inference-02")) {
                    Path volume = cluster.volume("default", d[1]).orElseThrow().file();
                    assertThat(PlanRunDirIT.compare(tmp.resolve("gpu-host/disks").resolve(d[0]), volume)).as(d[1])
                            .isZero();
                }
            }
            CliRun status = CliRun.run("plan", "status", plan.toString(), "--from-cluster");
            assertThat(row(status.out(), "inference-02")).contains("SUCCEEDED", "2/2");
        }
    }

    @Test
    void watchingFromTheClusterEndsWhenEveryVmOfThePlanHasAnOutcome() throws Exception {
        try (ClusterStandIn cluster = start()) {
            Path plan = plan(cluster, "");
            Files.writeString(plan, Files.readString(plan).replace("names: [designer-ws-01, inference-02, web-03]",
                    "names: [web-03]"));
            CliRun run = CliRun.run("plan", "run", plan.toString(), "--state-in-cluster");
            assertThat(run.code()).as(run.out() + run.err()).isZero();
            CompletableFuture<CliRun> watch = CompletableFuture.supplyAsync(() -> CliRun.run("plan", "status",
                    plan.toString(), "--from-cluster", "--watch"));
            CliRun watched = watch.get(30, TimeUnit.SECONDS);
            assertThat(watched.code()).as(watched.err()).isZero();
            assertThat(watched.out()).contains("1 of 1 VM(s) ended").doesNotContain("without an outcome");
        }
    }

    @Test
    void theClusterStateNeedsAClusterTarget() throws Exception {
        Path plan = ExampleCopy.into(tmp, null);
        CliRun run = CliRun.run("plan", "run", plan.toString(), "--state-in-cluster");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--state-in-cluster", "needs a cluster target");
        CliRun status = CliRun.run("plan", "status", plan.toString(), "--from-cluster");
        assertThat(status.code()).isEqualTo(2);
        assertThat(status.err()).contains("--from-cluster reads the plan's target cluster");
    }

    private ClusterStandIn start() throws Exception {
        return ClusterStandIn.start(tmp.resolve("volumes"), SharedDir.require("schemas/cdi-swagger.json"));
    }

    private Path plan(ClusterStandIn cluster, String options) throws Exception {
        Files.writeString(tmp.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n"
                + "  cluster:\n    server: " + cluster.client().getMasterUrl() + "\n    insecure-skip-tls-verify:"
                + " true\ncontexts:\n- name: mock\n  context: {cluster: mock, user: u, namespace: default}\n"
                + "current-context: mock\nusers:\n- name: u\n  user: {token: t}\n");
        String text = Files.readString(Path.of("../examples/gpu-host-plan.yaml"))
                .replace("target: dir:out/gpu-host", "target: {cluster: {kubeconfig: kubeconfig, context: mock,"
                        + " namespace: default, uploadProxyUrl: \"" + cluster.uploadProxyUrl() + "\"}}")
                .replace("compression: auto", "compression: none" + options);
        Path plan = ExampleCopy.into(tmp, text);
        ExampleDisks.create(tmp.resolve("gpu-host"), ExampleDisks.Maker.JAVA);
        return plan;
    }

    private static long starts(List<JournalEntry> entries, String disk) {
        return entries.stream().filter(e -> e.step().equals("import-disk") && e.state() == StepState.STARTED
                && e.detail("disk").orElse("").equals(disk)).count();
    }

    /** The table line of a VM. */
    private static String row(String table, String vm) {
        return table.lines().filter(l -> l.startsWith(vm + " ")).findFirst().orElseThrow(() -> new AssertionError(
                "no line of " + vm + " in:\n" + table));
    }
}
