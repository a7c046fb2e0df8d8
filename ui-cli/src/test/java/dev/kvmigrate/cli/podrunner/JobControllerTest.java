package dev.kvmigrate.cli.podrunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.cli.podrunner.JobController.PodRecord;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The pod runner against the Job behaviour Kubernetes documents
 * (https://kubernetes.io/docs/concepts/workloads/controllers/job/), with {@code /bin/sh} containers
 * ({@link ProcessLauncher}); kv-migrate's own image as child JVMs is {@link KvMigratePodsTest}.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class JobControllerTest extends JobHarness {
    static KubernetesClient client;
    static KubernetesMockServer server;
    static final String SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

    @Override
    KubernetesClient client() {
        return client;
    }

    JobController shell() {
        controller = new JobController(client, ns, new ProcessLauncher(Map.of("test/sh", List.of("/bin/sh"))),
                tmp.resolve("pods"));
        return controller;
    }

    /** The most pods that ran at the same time, from the recorded start and end instants. */
    static int maxConcurrent(List<PodRecord> pods) {
        List<Object[]> events = new ArrayList<>();
        for (PodRecord p : pods) {
            events.add(new Object[] {p.start(), 1});
            events.add(new Object[] {p.end(), -1});
        }
        events.sort(Comparator.<Object[], Instant>comparing(e -> (Instant) e[0]).thenComparing(e -> (int) e[1]));
        int now = 0;
        int max = 0;
        for (Object[] e : events) {
            now += (int) e[1];
            max = Math.max(max, now);
        }
        return max;
    }

    @Test
    void parallelismCapsRunningPodsAndIsReached() throws Exception {
        shell();
        job("par", "sleep 0.4", indexed(6, 2), NO_POD_CHANGE);
        Job done = controller.awaitFinished("par", WAIT);

        List<PodRecord> pods = controller.pods("par");
        assertThat(pods).hasSize(6).allMatch(p -> p.exitCode() == 0 && p.attempt() == 1);
        assertThat(maxConcurrent(pods)).isEqualTo(2);
        assertThat(pods.stream().sorted(Comparator.comparing(PodRecord::start)).map(PodRecord::index))
                .as("lowest pending index first").containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(finished(done).getType()).isEqualTo("Complete");
        assertThat(done.getStatus().getCompletedIndexes()).isEqualTo("0-5");
        assertThat(done.getStatus().getSucceeded()).isEqualTo(6);
        assertThat(done.getStatus().getFailed()).isNull();
        assertThat(done.getStatus().getActive()).isNull();
        assertThat(done.getStatus().getStartTime()).isNotNull();
        assertThat(done.getStatus().getCompletionTime()).isNotNull();
    }

    @Test
    void indexedPodsGetTheirIndexAndFieldRefs() throws Exception {
        shell();
        job("idx", "echo \"$JOB_COMPLETION_INDEX $FROM_ANNOTATION $1 $POD_NAME $POD_NS\"", indexed(3, 3),
                p -> p.editFirstContainer().withEnv(
                        field("FROM_ANNOTATION", "metadata.annotations['batch.kubernetes.io/job-completion-index']"),
                        field("POD_NAME", "metadata.name"), field("POD_NS", "metadata.namespace")).endContainer(),
                "arg-$(JOB_COMPLETION_INDEX)");
        Job done = controller.awaitFinished("idx", WAIT);

        assertThat(done.getStatus().getCompletedIndexes()).isEqualTo("0-2");
        List<PodRecord> pods = controller.pods("idx");
        assertThat(pods).hasSize(3);
        for (PodRecord p : pods) {
            assertThat(p.podName()).startsWith("idx-" + p.index() + "-");
            assertThat(p.stdout()).isEqualTo(p.index() + " " + p.index() + " arg-" + p.index() + " " + p.podName()
                    + " " + ns + "\n");
        }
    }

    static EnvVar field(String name, String path) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef().withFieldPath(path)
                .endFieldRef().endValueFrom().build();
    }

    @Test
    void commandAndArgsExpandVariables() throws Exception {
        shell();
        job("exp", "echo \"$1|$2|$3|$4|$DERIVED\"", s -> {},
                p -> p.editFirstContainer().withEnv(new EnvVar("GREETING", "hi", null),
                        new EnvVar("DERIVED", "$(GREETING)-there", null)).endContainer(),
                "$(GREETING)", "$$(GREETING)", "$(UNDEFINED)", "$(GREETING)-$$-$x");
        controller.awaitFinished("exp", WAIT);
        assertThat(controller.pods("exp")).singleElement().extracting(PodRecord::stdout)
                .isEqualTo("hi|$(GREETING)|$(UNDEFINED)|hi-$-$x|hi-there\n");
    }

    @Test
    void configMapAndSecretVolumesAndSecretEnvAndServiceAccount() throws Exception {
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("cfg")
                .endMetadata().addToData("a", "A").addToData("b", "B").build()).create();
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("sec").endMetadata()
                .addToData("password", b64("s3cret")).addToData("other", b64("x")).build()).create();
        shell();
        job("vol", "cat \"$1/a\" \"$1/b\" \"$2/creds/pw\"; echo \" $PASS\"; ls \"$2\"; cat \"$3/namespace\"; echo;"
                + " test -s \"$3/token\" && echo token", s -> {}, p -> p
                .editFirstContainer().addNewVolumeMount().withName("cfg").withMountPath("/etc/cfg").endVolumeMount()
                .addNewVolumeMount().withName("sec").withMountPath("/etc/sec").endVolumeMount()
                .addToEnv(new EnvVarBuilder().withName("PASS").withNewValueFrom().withNewSecretKeyRef()
                        .withName("sec").withKey("password").endSecretKeyRef().endValueFrom().build())
                .endContainer()
                .addNewVolume().withName("cfg").withNewConfigMap().withName("cfg").endConfigMap().endVolume()
                .addNewVolume().withName("sec").withNewSecret().withSecretName("sec").addNewItem().withKey("password")
                .withPath("creds/pw").endItem().endSecret().endVolume(),
                "/etc/cfg", "/etc/sec", SA_DIR);
        job("nosa", "test -e \"$1\" && echo present || echo absent", s -> {},
                p -> p.withAutomountServiceAccountToken(false), SA_DIR + "/token");
        controller.awaitFinished("vol", WAIT);
        controller.awaitFinished("nosa", WAIT);

        assertThat(controller.pods("vol")).singleElement().extracting(PodRecord::stdout)
                .isEqualTo("ABs3cret s3cret\ncreds\n" + ns + "\ntoken\n");
        assertThat(controller.pods("nosa")).singleElement().extracting(PodRecord::stdout).isEqualTo("absent\n");
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void missingSecretFailsThePodUnlessOptional() throws Exception {
        shell();
        Consumer<PodSpecBuilder> ref = p -> p.editFirstContainer().withEnv(
                new EnvVarBuilder().withName("PASS").withNewValueFrom().withNewSecretKeyRef().withName("absent")
                        .withKey("password").endSecretKeyRef().endValueFrom().build()).endContainer();
        job("nosecret", "echo \"[$PASS]\"", s -> s.withBackoffLimit(0), ref);
        job("optional", "echo \"[${PASS-unset}]\"", s -> s.withBackoffLimit(0), ref.andThen(p -> p.editFirstContainer()
                .editFirstEnv().editValueFrom().editSecretKeyRef().withOptional(true).endSecretKeyRef().endValueFrom()
                .endEnv().endContainer()));

        Job failed = controller.awaitFinished("nosecret", WAIT);
        assertThat(finished(failed).getType()).isEqualTo("Failed");
        assertThat(finished(failed).getReason()).isEqualTo("BackoffLimitExceeded");
        assertThat(controller.pods("nosecret")).singleElement().satisfies(p -> {
            assertThat(p.exitCode()).isEqualTo(-1);
            assertThat(p.reason()).contains("secret \"absent\" not found");
        });
        assertThat(finished(controller.awaitFinished("optional", WAIT)).getType()).isEqualTo("Complete");
        assertThat(controller.pods("optional")).singleElement().extracting(PodRecord::stdout).isEqualTo("[unset]\n");
    }

    @Test
    void emptyDirIsFreshForEveryAttemptAndBackoffLimitCountsFailedPods() throws Exception {
        shell();
        job("scratch", "if [ -e \"$1/mark\" ]; then echo seen; exit 0; fi; touch \"$1/mark\"; exit 1",
                s -> s.withBackoffLimit(2), p -> p.editFirstContainer().addNewVolumeMount().withName("s")
                        .withMountPath("/scratch").endVolumeMount().endContainer()
                        .addNewVolume().withName("s").withNewEmptyDir().endEmptyDir().endVolume(), "/scratch");
        Job done = controller.awaitFinished("scratch", WAIT);

        assertThat(controller.pods("scratch")).extracting(PodRecord::attempt).containsExactly(1, 2, 3);
        assertThat(controller.pods("scratch")).allMatch(p -> p.exitCode() == 1 && p.stdout().isEmpty());
        assertThat(finished(done).getReason()).isEqualTo("BackoffLimitExceeded");
        assertThat(done.getStatus().getFailed()).isEqualTo(3);
        assertThat(done.getStatus().getCompletionTime()).isNull();
        assertThat(done.getStatus().getCompletedIndexes()).as("NonIndexed").isNull();
    }

    @Test
    void failuresUpToBackoffLimitAreRetried() throws Exception {
        shell();
        Path counter = tmp.resolve("counter");
        job("flaky", "n=$(cat \"$COUNTER\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > \"$COUNTER\"; [ $n -ge 3 ]",
                s -> s.withBackoffLimit(2), p -> p.editFirstContainer().withEnv(new EnvVar("COUNTER",
                        counter.toString(), null)).endContainer());
        Job done = controller.awaitFinished("flaky", WAIT);
        assertThat(finished(done).getType()).isEqualTo("Complete");
        assertThat(done.getStatus().getFailed()).isEqualTo(2);
        assertThat(done.getStatus().getSucceeded()).isEqualTo(1);
        assertThat(controller.pods("flaky")).extracting(PodRecord::exitCode).containsExactly(1, 1, 0);
    }

    @Test
    void backoffLimitPerIndexFailsOnlyThatIndex() throws Exception {
        shell();
        job("perindex", "[ \"$JOB_COMPLETION_INDEX\" != 2 ]", indexed(4, 2).andThen(s -> s.withBackoffLimitPerIndex(1)),
                NO_POD_CHANGE);
        Job done = controller.awaitFinished("perindex", WAIT);

        assertThat(controller.pods("perindex").stream().filter(p -> p.index() == 2)).extracting(PodRecord::attempt)
                .containsExactly(1, 2);
        assertThat(controller.pods("perindex").stream().filter(p -> p.index() != 2)).hasSize(3)
                .allMatch(p -> p.exitCode() == 0);
        assertThat(done.getStatus().getFailedIndexes()).isEqualTo("2");
        assertThat(done.getStatus().getCompletedIndexes()).isEqualTo("0-1,3");
        assertThat(done.getStatus().getFailed()).isEqualTo(2);
        assertThat(done.getStatus().getSucceeded()).isEqualTo(3);
        assertThat(finished(done).getType()).isEqualTo("Failed");
        assertThat(finished(done).getReason()).isEqualTo("FailedIndexes");
    }

    @Test
    void maxFailedIndexesStopsTheJob() throws Exception {
        shell();
        job("maxfailed", "[ \"$JOB_COMPLETION_INDEX\" != 1 ]", indexed(4, 1).andThen(s -> s
                .withBackoffLimitPerIndex(0).withMaxFailedIndexes(0)), NO_POD_CHANGE);
        Job done = controller.awaitFinished("maxfailed", WAIT);
        assertThat(finished(done).getReason()).isEqualTo("MaxFailedIndexesExceeded");
        assertThat(controller.pods("maxfailed")).extracting(PodRecord::index).containsExactly(0, 1);
        assertThat(done.getStatus().getFailedIndexes()).isEqualTo("1");
    }

    @Test
    void podFailurePolicyFailIndexAndFailJob() throws Exception {
        shell();
        job("failindex", "exit $((JOB_COMPLETION_INDEX * 3))", indexed(3, 3).andThen(s -> s.withBackoffLimitPerIndex(5)
                .withNewPodFailurePolicy().withRules(onExitCodes("FailIndex", "In", 3)).endPodFailurePolicy()),
                NO_POD_CHANGE);
        job("failjob", "exit 42", s -> s.withNewPodFailurePolicy().withRules(onExitCodes("Count", "In", 1),
                onExitCodes("FailJob", "NotIn", 1, 2)).endPodFailurePolicy(), NO_POD_CHANGE);

        Job fi = controller.awaitFinished("failindex", WAIT);
        assertThat(controller.pods("failindex").stream().filter(p -> p.index() == 1)).singleElement()
                .extracting(PodRecord::exitCode).isEqualTo(3);
        // index 2 exits 6: no rule matches, so it is counted and retried up to backoffLimitPerIndex (5) + 1 times
        assertThat(controller.pods("failindex").stream().filter(p -> p.index() == 2)).hasSize(6);
        assertThat(fi.getStatus().getFailedIndexes()).isEqualTo("1-2");
        assertThat(fi.getStatus().getCompletedIndexes()).isEqualTo("0");
        assertThat(finished(fi).getReason()).isEqualTo("FailedIndexes");

        Job fj = controller.awaitFinished("failjob", WAIT);
        assertThat(controller.pods("failjob")).singleElement().extracting(PodRecord::exitCode).isEqualTo(42);
        assertThat(finished(fj).getReason()).isEqualTo("PodFailurePolicy");
        assertThat(finished(fj).getMessage()).contains("exit code 42", "FailJob rule at index 1");
    }

    @Test
    void ignoredDisruptionIsRetriedUncountedButAPlainKillCounts() throws Exception {
        shell();
        Path mark = tmp.resolve("evicted");
        Path mark2 = tmp.resolve("killed");
        for (String[] j : new String[][] {{"evict", mark.toString()}, {"kill", mark2.toString()}}) {
            job(j[0], "if [ -e \"$MARK\" ]; then exit 0; fi; touch \"$MARK\"; sleep 30",
                    s -> s.withBackoffLimit(0).withNewPodFailurePolicy().withRules(onDisruption("Ignore"))
                            .endPodFailurePolicy(),
                    p -> p.editFirstContainer().withEnv(new EnvVar("MARK", j[1], null)).endContainer());
        }
        controller.killWhen("evict", 0, () -> Files.exists(mark), true);
        controller.killWhen("kill", 0, () -> Files.exists(mark2), false);

        Job evicted = controller.awaitFinished("evict", WAIT);
        assertThat(finished(evicted).getType()).isEqualTo("Complete");
        assertThat(evicted.getStatus().getFailed()).isNull();
        assertThat(controller.pods("evict")).hasSize(2).first().satisfies(p -> {
            assertThat(p.exitCode()).isEqualTo(137);
            assertThat(p.killed()).isTrue();
            assertThat(p.disrupted()).isTrue();
        });
        assertThat(controller.pods("evict").get(1).exitCode()).isZero();

        Job killed = controller.awaitFinished("kill", WAIT);
        assertThat(finished(killed).getReason()).isEqualTo("BackoffLimitExceeded");
        assertThat(killed.getStatus().getFailed()).isEqualTo(1);
        assertThat(controller.pods("kill")).singleElement().satisfies(p -> {
            assertThat(p.exitCode()).isEqualTo(137);
            assertThat(p.killed()).isTrue();
            assertThat(p.disrupted()).isFalse();
            assertThat(p.end()).isBefore(p.start().plusSeconds(10));
        });
    }

    @Test
    void suspendedJobStartsWhenUnsuspended() throws Exception {
        shell();
        job("susp", "echo ran", s -> s.withSuspend(true), NO_POD_CHANGE);
        Thread.sleep(3 * JobController.POLL_MS + 200);
        assertThat(controller.pods("susp")).isEmpty();
        Job waiting = client.batch().v1().jobs().inNamespace(ns).withName("susp").get();
        assertThat(waiting.getStatus() == null ? null : waiting.getStatus().getStartTime()).isNull();

        suspend("susp", false);
        Job done = controller.awaitFinished("susp", WAIT);
        assertThat(finished(done).getType()).isEqualTo("Complete");
        assertThat(controller.pods("susp")).singleElement().extracting(PodRecord::stdout).isEqualTo("ran\n");
    }

    @Test
    void suspendingARunningJobTerminatesItsPodsUncounted() throws Exception {
        shell();
        Path mark = tmp.resolve("started");
        job("pause", "if [ -e \"$MARK\" ]; then exit 0; fi; touch \"$MARK\"; sleep 30", s -> s.withBackoffLimit(0),
                p -> p.editFirstContainer().withEnv(new EnvVar("MARK", mark.toString(), null)).endContainer());
        await(() -> {
            Job j = client.batch().v1().jobs().inNamespace(ns).withName("pause").get();
            return Files.exists(mark) && j.getStatus() != null && Integer.valueOf(1).equals(j.getStatus().getActive());
        });
        suspend("pause", true);
        await(() -> !controller.pods("pause").get(0).running());
        assertThat(controller.pods("pause")).singleElement().satisfies(p -> {
            assertThat(p.killed()).isTrue();
            assertThat(p.reason()).isEqualTo("Job suspended");
        });

        suspend("pause", false);
        Job done = controller.awaitFinished("pause", WAIT);
        assertThat(finished(done).getType()).as("the terminated pod counts against no backoffLimit (0)")
                .isEqualTo("Complete");
        assertThat(done.getStatus().getFailed()).isNull();
        assertThat(controller.pods("pause")).extracting(PodRecord::exitCode).containsExactly(137, 0);
    }

    /**
     * Sets {@code spec.suspend} as {@code kubectl patch --type merge} would: no resourceVersion precondition, so the
     * controller's status writes in between do not make it conflict.
     */
    void suspend(String job, boolean suspend) {
        client.batch().v1().jobs().inNamespace(ns).withName(job).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"suspend\":" + suspend + "}}");
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aJobFinishedBeforeStartsNothing() throws Exception {
        Path ran = tmp.resolve("ran");
        job("old", "touch \"$RAN\"", s -> {}, p -> p.editFirstContainer().withEnv(new EnvVar("RAN", ran.toString(),
                null)).endContainer());
        client.batch().v1().jobs().inNamespace(ns).withName("old").editStatus(j -> new JobBuilder(j).withNewStatus()
                .addNewCondition().withType("Failed").withStatus("True").withReason("BackoffLimitExceeded")
                .endCondition().endStatus().build());
        shell();
        Job done = controller.awaitFinished("old", WAIT);
        Thread.sleep(3 * JobController.POLL_MS);
        assertThat(controller.pods("old")).isEmpty();
        assertThat(ran).doesNotExist();
        assertThat(finished(done).getReason()).isEqualTo("BackoffLimitExceeded");
    }

    @Test
    void whatTheHarnessDoesNotEmulateIsRefused() {
        shell();
        job("onfailure", "true", s -> {}, p -> p.withRestartPolicy("OnFailure"));
        assertThatThrownBy(() -> controller.awaitFinished("onfailure", WAIT)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("restartPolicy OnFailure");
    }

}
