package dev.kvmigrate.cli.podrunner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.cli.KvMigrate;
import dev.kvmigrate.cli.podrunner.JobController.PodRecord;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * kv-migrate's own image in the pod runner: child JVMs ({@link KvMigrateLauncher}) reaching the mock API server with
 * in-cluster configuration, as the Kubernetes executor's pods do.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KvMigratePodsTest extends JobHarness {
    static KubernetesClient client;
    static KubernetesMockServer server;

    @Override
    KubernetesClient client() {
        return client;
    }

    JobController kvMigrate() {
        controller = new JobController(client, ns,
                new KvMigrateLauncher(URI.create(client.getConfiguration().getMasterUrl())), tmp.resolve("pods"));
        return controller;
    }

    @Test
    void kvMigrateImagePrintsItsVersion() throws Exception {
        kvMigrate();
        job("version", "kv-migrate:test", List.of("--version"), s -> {}, NO_POD_CHANGE);
        Job done = controller.awaitFinished("version", Duration.ofSeconds(60));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        KvMigrate.run(new PrintStream(expected, true, StandardCharsets.UTF_8), System.err, "--version");
        String firstLine = expected.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        assertThat(firstLine).startsWith("kv-migrate ").doesNotContain("unknown");

        assertThat(finished(done).getType()).isEqualTo("Complete");
        assertThat(controller.pods("version")).singleElement().satisfies(p -> {
            assertThat(p.exitCode()).isZero();
            assertThat(p.stdout()).startsWith(firstLine + "\n");
        });
    }

    @Test
    void kvMigrateMissingPlanIsAnInvalidInputThatFailsItsIndexAtOnce() throws Exception {
        kvMigrate();
        job("missing", "kv-migrate:test", List.of("plan", "run", "/plan/missing.yaml"),
                indexed(1, 1).andThen(s -> s.withBackoffLimitPerIndex(3).withNewPodFailurePolicy()
                        .withRules(onExitCodes("FailIndex", "In", 3)).endPodFailurePolicy()),
                p -> p.editFirstContainer().addNewVolumeMount().withName("plan").withMountPath("/plan")
                        .endVolumeMount().endContainer().addNewVolume().withName("plan").withNewEmptyDir()
                        .endEmptyDir().endVolume());
        Job done = controller.awaitFinished("missing", Duration.ofSeconds(60));
        assertThat(controller.pods("missing")).singleElement().satisfies(p -> {
            assertThat(p.exitCode()).as(p.stderr()).isEqualTo(3);
            assertThat(p.stderr()).contains("missing.yaml").contains("does not exist");
        });
        assertThat(done.getStatus().getFailedIndexes()).isEqualTo("0");
        assertThat(finished(done).getReason()).isEqualTo("FailedIndexes");
    }

    @Test
    void kvMigrateInClusterClientReachesTheApiServer() throws Exception {
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("plan")
                .endMetadata().addToData("plan.yaml", String.join("\n", "apiVersion: kv-migrate.dev/v1alpha1",
                        "kind: MigrationPlan", "metadata: {name: p}", "source: {xmlDir: vms}",
                        "target: {cluster: {}}", "")).build()).create();
        client.persistentVolumeClaims().inNamespace(ns).resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName("leftover").addToLabels("kv-migrate.dev/plan", "p").endMetadata().withNewSpec().endSpec()
                .build()).create();
        kvMigrate();
        job("cleanup", "kv-migrate:test", List.of("plan", "cleanup", "/plan/plan.yaml", "--dry-run"), s -> {},
                p -> p.editFirstContainer().addNewVolumeMount().withName("plan").withMountPath("/plan")
                        .endVolumeMount().endContainer().addNewVolume().withName("plan").withNewConfigMap()
                        .withName("plan").endConfigMap().endVolume());
        Job done = controller.awaitFinished("cleanup", Duration.ofSeconds(60));
        PodRecord pod = controller.pods("cleanup").get(0);
        assertThat(finished(done).getType()).as(pod.stdout() + pod.stderr()).isEqualTo("Complete");
        assertThat(pod.stdout()).contains("PersistentVolumeClaim", ns + "/leftover", "dry run: nothing deleted");
        assertThat(client.persistentVolumeClaims().inNamespace(ns).withName("leftover").get()).isNotNull();
        // the plan names no namespace: the child took it from the pod's service-account namespace file; and it sent
        // the pod's service-account token
        List<String> tokens = new ArrayList<>();
        for (RecordedRequest r; (r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null; ) {
            if (r.getPath().startsWith("/api/v1/namespaces/" + ns + "/persistentvolumeclaims?")) {
                tokens.add(String.valueOf(r.getHeader("Authorization")));
            }
        }
        assertThat(tokens).isNotEmpty().allMatch(t -> t.equals("Bearer podrunner-token." + ns + ".default."
                + pod.podName()));
    }
}
