package dev.kvmigrate.cli.podrunner;

import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the pod runner's tests share: a namespace per test on the class's CRUD mock API server, the controller under
 * test (closed after each test), Jobs built from one container, and the Job vocabulary the assertions use. Each test
 * class enables its own mock server ({@code @EnableKubernetesMockClient}) and hands its client over.
 */
abstract class JobHarness {
    /** The mock server logs every request at INFO (java.util.logging); the controller polls: keep the log short. */
    static final Logger MOCK_LOG = quiet("io.fabric8.mockwebserver.MockWebServer");
    static final AtomicInteger NAMESPACES = new AtomicInteger();
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    /** A namespace of the test's own: Jobs of other tests (the mock server is the class's) are not seen. */
    final String ns = "t" + NAMESPACES.incrementAndGet();
    JobController controller;

    /** The class's mock API server client. */
    abstract KubernetesClient client();

    @AfterEach
    void close() throws InterruptedException {
        if (controller != null) {
            controller.close();
        }
    }

    static Logger quiet(String name) {
        Logger l = Logger.getLogger(name);
        l.setLevel(Level.WARNING);
        return l;
    }

    /** A Job of one {@code test/sh} container running {@code script} (positional {@code params} after it). */
    Job job(String name, String script, Consumer<JobSpecBuilder> spec, Consumer<PodSpecBuilder> pod, String... params) {
        List<String> args = new ArrayList<>(List.of("-c", script, "sh"));
        args.addAll(List.of(params));
        return job(name, "test/sh", args, spec, pod);
    }

    Job job(String name, String image, List<String> args, Consumer<JobSpecBuilder> spec,
            Consumer<PodSpecBuilder> pod) {
        var podSpec = new PodSpecBuilder().withRestartPolicy("Never")
                .addNewContainer().withName("main").withImage(image).withArgs(args).endContainer();
        pod.accept(podSpec);
        JobSpecBuilder js = new JobSpecBuilder().withNewTemplate().withSpec(podSpec.build()).endTemplate();
        spec.accept(js);
        Job j = new JobBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withSpec(js.build())
                .build();
        return client().batch().v1().jobs().inNamespace(ns).resource(j).create();
    }

    static Consumer<JobSpecBuilder> indexed(int completions, int parallelism) {
        return s -> s.withCompletionMode("Indexed").withCompletions(completions).withParallelism(parallelism);
    }

    static final Consumer<PodSpecBuilder> NO_POD_CHANGE = p -> {};

    static JobCondition finished(Job j) {
        return JobRules.finishedCondition(j).orElseThrow();
    }

    static PodFailurePolicyRule onExitCodes(String action, String operator, Integer... codes) {
        return new PodFailurePolicyRuleBuilder().withAction(action).withNewOnExitCodes().withOperator(operator)
                .withValues(codes).endOnExitCodes().build();
    }

    static PodFailurePolicyRule onDisruption(String action) {
        return new PodFailurePolicyRuleBuilder().withAction(action).addNewOnPodCondition().withType("DisruptionTarget")
                .withStatus("True").endOnPodCondition().build();
    }
}
