package dev.kvmigrate.cli.podrunner;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnExitCodesRequirement;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnPodConditionsPattern;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The parts of Kubernetes' documented Job behaviour that need no controller state, as pure functions: which Jobs the
 * pod runner can emulate, whether a pod failure policy rule matches a failed pod, the status' index intervals and
 * conditions. {@link JobController} applies them; tests check them directly.
 */
public final class JobRules {
    private JobRules() {}

    /** The Job's {@code Complete} or {@code Failed} condition with status True, if any. */
    public static Optional<JobCondition> finishedCondition(Job job) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream().filter(c -> ("Complete".equals(c.getType())
                || "Failed".equals(c.getType())) && "True".equals(c.getStatus())).findFirst();
    }

    /**
     * A set of indexes in the Job status' interval format ({@code completedIndexes}, {@code failedIndexes}):
     * ascending, comma-separated, a run of consecutive indexes written {@code first-last} ({@code "0-2,5"}), a single
     * one as itself; empty for none.
     */
    public static String intervals(Collection<Integer> indexes) {
        StringBuilder b = new StringBuilder();
        Integer first = null;
        Integer last = null;
        for (int i : new TreeSet<>(indexes)) {
            if (last != null && i == last + 1) {
                last = i;
                continue;
            }
            appendInterval(b, first, last);
            first = i;
            last = i;
        }
        appendInterval(b, first, last);
        return b.toString();
    }

    private static void appendInterval(StringBuilder b, Integer first, Integer last) {
        if (first == null) {
            return;
        }
        if (b.length() > 0) {
            b.append(',');
        }
        b.append(first);
        if (!first.equals(last)) {
            b.append('-').append(last);
        }
    }

    /** What of {@code job} the harness does not emulate (or the API server would reject), if anything. */
    static Optional<String> unsupported(Job job) {
        JobSpec s = job.getSpec();
        var t = s.getTemplate() == null ? null : s.getTemplate().getSpec();
        boolean indexed = "Indexed".equals(s.getCompletionMode());
        if (t == null || t.getContainers() == null || t.getContainers().size() != 1
                || (t.getInitContainers() != null && !t.getInitContainers().isEmpty())) {
            return Optional.of("the pod runner runs pods of exactly one container and no init containers");
        }
        if (!"Never".equals(t.getRestartPolicy())) {
            return Optional.of("restartPolicy " + t.getRestartPolicy() + " is not emulated (Never only)");
        }
        if (indexed && s.getCompletions() == null) {
            return Optional.of("an Indexed Job needs completions (the API server rejects it)");
        }
        if (!indexed && s.getCompletions() == null && s.getParallelism() != null && s.getParallelism() > 1) {
            return Optional.of("work-queue Jobs (parallelism without completions) are not emulated");
        }
        if (!indexed && (s.getBackoffLimitPerIndex() != null || s.getMaxFailedIndexes() != null)) {
            return Optional.of("backoffLimitPerIndex/maxFailedIndexes need an Indexed Job (the API server rejects"
                    + " it)");
        }
        if (s.getActiveDeadlineSeconds() != null || s.getSuccessPolicy() != null) {
            return Optional.of("activeDeadlineSeconds and successPolicy are not emulated");
        }
        if (s.getPodFailurePolicy() != null && s.getPodFailurePolicy().getRules() != null) {
            for (PodFailurePolicyRule r : s.getPodFailurePolicy().getRules()) {
                if ("FailIndex".equals(r.getAction()) && s.getBackoffLimitPerIndex() == null) {
                    return Optional.of("podFailurePolicy action FailIndex needs backoffLimitPerIndex (the API"
                            + " server rejects it)");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code rule} matches a failed pod (one container, {@code container}; a pod that never {@code started}
     * has no exit code; {@code disrupted}: evicted, condition DisruptionTarget=True).
     */
    static boolean matches(PodFailurePolicyRule rule, String container, boolean started, Integer exitCode,
            boolean disrupted) {
        PodFailurePolicyOnExitCodesRequirement codes = rule.getOnExitCodes();
        if (codes != null) {
            if (!started || (codes.getContainerName() != null
                    && !codes.getContainerName().equals(container))) {
                return false;
            }
            boolean in = codes.getValues().contains(exitCode);
            return "In".equals(codes.getOperator()) ? in : "NotIn".equals(codes.getOperator()) && !in
                    && exitCode != 0;
        }
        if (rule.getOnPodConditions() != null) {
            for (PodFailurePolicyOnPodConditionsPattern c : rule.getOnPodConditions()) {
                // the only condition a pod gets here is DisruptionTarget=True, on an evicted pod
                boolean wantTrue = c.getStatus() == null || "True".equals(c.getStatus());
                if ("DisruptionTarget".equals(c.getType()) && wantTrue && disrupted) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A condition of {@code type}, status True, now. */
    static JobCondition condition(String type, String reason, String message) {
        String now = time(Instant.now());
        return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(message)
                .withLastProbeTime(now).withLastTransitionTime(now).build();
    }

    /** An instant as the API writes times: RFC 3339, whole seconds. */
    static String time(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
