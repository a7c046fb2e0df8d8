package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.importer.standin.ClusterStandIn;
import dev.kvmigrate.plans.example.ExampleDisks;
import dev.kvmigrate.plans.run.Journal;
import dev.kvmigrate.plans.run.RunState;
import dev.kvmigrate.plans.run.StepState;
import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan cancel} from another "terminal" while {@code plan run} uploads into the cluster stand-in under a
 * bandwidth cap: the run aborts the upload and exits 130 with a consistent journal; {@code --resume} finishes and
 * the volume is byte-identical to the source.
 */
class PlanCancelIT {
    @TempDir
    Path tmp;

    @Test
    void cancelStopsAnUploadAndResumeFinishesIt() throws Exception {
        try (ClusterStandIn cluster = ClusterStandIn.start(tmp.resolve("volumes"),
                SharedDir.require("schemas/cdi-swagger.json"))) {
            Files.writeString(tmp.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n"
                    + "  cluster:\n    server: " + cluster.client().getMasterUrl() + "\n    insecure-skip-tls-verify:"
                    + " true\ncontexts:\n- name: mock\n  context: {cluster: mock, user: u, namespace: default}\n"
                    + "current-context: mock\nusers:\n- name: u\n  user: {token: t}\n");
            String text = Files.readString(Path.of("../examples/gpu-host-plan.yaml"))
                    .replace("target: dir:out/gpu-host", "target: {cluster: {kubeconfig: kubeconfig, context: mock,"
                            + " namespace: default, uploadProxyUrl: \"" + cluster.uploadProxyUrl() + "\"}}")
                    .replace("compression: auto", "compression: none\n  bandwidth: 400k");
            Path plan = ExampleCopy.into(tmp, text);
            ExampleDisks.create(tmp.resolve("gpu-host"), ExampleDisks.Maker.JAVA);
            Path journal = tmp.resolve("plan.yaml.journal");

            CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.run("plan", "run",
                    plan.toString(), "--only", "web-03"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!uploading(journal)) {
                assertThat(System.nanoTime()).as("the upload began").isLessThan(deadline);
                assertThat(run.isDone()).as("the run is still going").isFalse();
                Thread.sleep(100);
            }
            CliRun cancel = CliRun.run("plan", "cancel", plan.toString());
            assertThat(cancel.code()).as(cancel.out() + cancel.err()).isZero();
            assertThat(cancel.out()).contains("cancel requested");
            CliRun cancelled = run.get(60, TimeUnit.SECONDS);
            assertThat(cancelled.code()).as(cancelled.out() + cancelled.err()).isEqualTo(130);
            assertThat(cancelled.out()).contains("cancelled by `plan cancel`", "--resume");
            RunState s = RunState.of(Journal.read(journal));
            RunState.VmState web = s.vm("web-03").orElseThrow();
            assertThat(web.error().orElseThrow()).contains("cancelled by `plan cancel`");
            assertThat(web.disks().get("web-03-vda").state()).isEqualTo(StepState.FAILED);
            assertThat(web.steps()).doesNotContainKey("create-vm");
            assertThat(tmp.resolve("plan.yaml.cancel")).doesNotExist();

            CliRun nothing = CliRun.run("plan", "cancel", plan.toString());
            assertThat(nothing.code()).isEqualTo(1);
            assertThat(nothing.out()).contains("no run in progress");

            Files.writeString(plan, Files.readString(plan).replace("  bandwidth: 400k\n", ""));
            CliRun resumed = CliRun.run("plan", "run", plan.toString(), "--only", "web-03", "--resume");
            assertThat(resumed.code()).as(resumed.out() + resumed.err()).isZero();
            Path volume = cluster.volume("default", "web-03-vda").orElseThrow().file();
            assertThat(PlanRunDirIT.compare(tmp.resolve("gpu-host/disks/web-03.qcow2"), volume)).isZero();
        }
    }

    /** Whether the journal shows a disk being sent (progress recorded). */
    private static boolean uploading(Path journal) {
        if (!Files.exists(journal)) {
            return false;
        }
        return Journal.read(journal).stream().anyMatch(e -> e.step().equals("import-disk")
                && e.state() == StepState.PROGRESS);
    }
}
