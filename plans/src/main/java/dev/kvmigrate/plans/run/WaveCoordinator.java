package dev.kvmigrate.plans.run;

import dev.kvmigrate.common.KvMigrateException;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-cluster coordinator of a scale-out's GPU waves ({@code plan coordinate}, run by the coordinator Job): wave
 * N+1's Job was created suspended, and is unsuspended once wave N's Job has finished — {@code Complete}, or
 * {@code Failed} because some of its VMs failed (the others' VMs are not held hostage by one VM, as in a local run).
 * It holds no state of its own: everything is read from the Jobs each round, so a coordinator pod that is killed and
 * retried carries on where the last one was.
 */
public final class WaveCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(WaveCoordinator.class);

    /** One wave's Job as the coordinator saw it last. */
    public record Wave(int number, String job, boolean suspended, Optional<String> finished, int succeeded,
            int failed) {}

    private final KubernetesClient client;
    private final String namespace;
    private final String plan;

    public WaveCoordinator(KubernetesClient client, String namespace, String plan) {
        this.client = client;
        this.namespace = namespace;
        this.plan = plan;
    }

    /** The plan's wave Jobs, in wave order. */
    public List<Wave> waves() {
        List<Wave> out = new ArrayList<>();
        for (Job j : client.batch().v1().jobs().inNamespace(namespace).withLabel(PlanConversion.LABEL_PLAN, plan)
                .withLabel(KubernetesExecutor.LABEL_WAVE).list().getItems()) {
            int n;
            try {
                n = Integer.parseInt(j.getMetadata().getLabels().get(KubernetesExecutor.LABEL_WAVE));
            } catch (NumberFormatException e) {
                continue;
            }
            var st = j.getStatus();
            out.add(new Wave(n, j.getMetadata().getName(), Boolean.TRUE.equals(j.getSpec().getSuspend()),
                    finished(j), st == null || st.getSucceeded() == null ? 0 : st.getSucceeded(),
                    st == null || st.getFailed() == null ? 0 : st.getFailed()));
        }
        out.sort(Comparator.comparingInt(Wave::number));
        return out;
    }

    /** {@code Complete} or {@code Failed} when the Job has that condition, true. */
    static Optional<String> finished(Job j) {
        if (j.getStatus() == null || j.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        for (JobCondition c : j.getStatus().getConditions()) {
            if (("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus())) {
                return Optional.of(c.getType());
            }
        }
        return Optional.empty();
    }

    /**
     * One round: unsuspends the first unfinished wave when every wave before it has finished. Returns whether every
     * wave has finished.
     */
    public boolean step(Consumer<String> log) {
        List<Wave> waves = waves();
        if (waves.isEmpty()) {
            throw KvMigrateException.invalidInput("plan " + plan + ": no wave Jobs (label "
                    + KubernetesExecutor.LABEL_WAVE + ") in namespace " + namespace + "; submit the plan with"
                    + " `plan run --executor kubernetes` first");
        }
        for (Wave w : waves) {
            if (w.finished().isPresent()) {
                continue;
            }
            if (w.suspended()) {
                // a merge patch without resourceVersion, as `kubectl patch --type merge`: the Job controller's status
                // writes in between cannot make it conflict
                client.batch().v1().jobs().inNamespace(namespace).withName(w.job())
                        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":false}}");
                log.accept("wave " + w.number() + " started (Job " + w.job() + ")");
            }
            return false;
        }
        return true;
    }

    /** Rounds every {@code poll} until every wave has finished; a summary line per wave at the end. */
    public List<Wave> run(Duration poll, Consumer<String> log) throws InterruptedException {
        while (true) {
            boolean done;
            try {
                done = step(log);
            } catch (KubernetesClientException e) {
                // the API server restarting or a conflict with the Job controller: the next round reads afresh
                LOG.warn("reading the wave Jobs failed, trying again: {}", e.getMessage());
                done = false;
            }
            if (done) {
                List<Wave> waves = waves();
                waves.forEach(w -> log.accept("wave " + w.number() + " " + w.finished().orElse("?") + ": "
                        + w.succeeded() + " VM(s) migrated, " + w.failed() + " pod failure(s)"));
                return waves;
            }
            Thread.sleep(poll.toMillis());
        }
    }
}
