package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wave coordinator against fabric8's CRUD mock: it only ever unsuspends the next wave after the last finished. */
@EnableKubernetesMockClient(crud = true)
class WaveCoordinatorIT {
    static KubernetesClient client;

    private static void wave(String plan, int n, boolean suspended) {
        client.batch().v1().jobs().inNamespace("mig").resource(new JobBuilder().withNewMetadata()
                .withName(KubernetesExecutor.waveJob(plan, n)).withNamespace("mig")
                .addToLabels(PlanConversion.LABEL_PLAN, plan).addToLabels(KubernetesExecutor.LABEL_WAVE,
                        Integer.toString(n)).endMetadata()
                .withNewSpec().withSuspend(suspended).withCompletionMode("Indexed").withCompletions(2)
                .withNewTemplate().withNewSpec().addNewContainer().withName("c").withImage("i").endContainer()
                .withRestartPolicy("Never").endSpec().endTemplate().endSpec().build()).create();
    }

    private static void finish(String plan, int n, String condition) {
        Job j = client.batch().v1().jobs().inNamespace("mig").withName(KubernetesExecutor.waveJob(plan, n)).get();
        j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withSucceeded(1).withFailed(
                condition.equals("Failed") ? 3 : 0).addNewCondition().withType(condition).withStatus("True")
                .endCondition().build());
        client.batch().v1().jobs().inNamespace("mig").resource(j).updateStatus();
    }

    private static boolean suspended(String plan, int n) {
        return Boolean.TRUE.equals(client.batch().v1().jobs().inNamespace("mig")
                .withName(KubernetesExecutor.waveJob(plan, n)).get().getSpec().getSuspend());
    }

    @Test
    void eachWaveStartsOnlyWhenTheOneBeforeHasFinishedEvenIfItFailed() {
        wave("p", 1, false);
        wave("p", 2, true);
        wave("p", 3, true);
        wave("other", 1, true);
        WaveCoordinator c = new WaveCoordinator(client, "mig", "p");
        List<String> log = new ArrayList<>();
        assertThat(c.step(log::add)).isFalse();
        assertThat(suspended("p", 2)).as("wave 1 still runs").isTrue();
        finish("p", 1, "Failed"); // one VM of wave 1 failed: the others' waves go on
        assertThat(c.step(log::add)).isFalse();
        assertThat(suspended("p", 2)).isFalse();
        assertThat(suspended("p", 3)).isTrue();
        assertThat(c.step(log::add)).as("a second round changes nothing").isFalse();
        finish("p", 2, "Complete");
        assertThat(c.step(log::add)).isFalse();
        assertThat(suspended("p", 3)).isFalse();
        finish("p", 3, "Complete");
        assertThat(c.step(log::add)).isTrue();
        assertThat(log).containsExactly("wave 2 started (Job kvm-p-wave-2)", "wave 3 started (Job kvm-p-wave-3)");
        assertThat(suspended("other", 1)).as("another plan's Jobs are not touched").isTrue();
        assertThat(c.waves()).extracting(WaveCoordinator.Wave::finished).extracting(o -> o.orElseThrow())
                .containsExactly("Failed", "Complete", "Complete");
    }

    @Test
    void aPlanWithoutWaveJobsIsAnInputErrorNamingTheFix() {
        assertThatThrownBy(() -> new WaveCoordinator(client, "mig", "nothing").step(s -> {}))
                .hasMessageContaining("no wave Jobs").hasMessageContaining("--executor kubernetes");
    }
}
