package dev.kvmigrate.cli.podrunner;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the {@link JobController} knows of one Job (by uid): its indexes, running pods and counts, and the Job rules
 * that turn a pod's end into them (pod failure policy, per-index and Job back-off limits, completion) and them into
 * the Job's status. Touched by the controller thread only.
 */
final class JobRun {
    /** One completion index. */
    static final class Index {
        int failures;
        boolean succeeded;
        boolean failed;
        int attempts;
        PodAttempt running;
    }

    Job job;
    final Index[] indexes;
    final List<PodAttempt> running = new ArrayList<>();
    int succeededPods;
    int failedPods;
    Instant startTime;
    Instant completionTime;
    JobCondition terminal;
    /** It was finished when first seen: its status is not ours to write. */
    final boolean finishedBefore;
    JobStatus written;

    JobRun(Job job) {
        this.job = job;
        this.terminal = JobRules.finishedCondition(job).orElse(null);
        this.finishedBefore = terminal != null;
        int completions = job.getSpec().getCompletions() == null ? 1 : job.getSpec().getCompletions();
        this.indexes = new Index[completions];
        for (int i = 0; i < completions; i++) {
            indexes[i] = new Index();
        }
    }

    /** Handles a pod that ended: success, or a failure through the pod failure policy and the limits. */
    void ended(PodAttempt p, String namespace) {
        if (p.cause == PodAttempt.Cause.JOB_FINISHED || p.cause == PodAttempt.Cause.SUSPENDED
                || p.cause == PodAttempt.Cause.DELETED) {
            return;
        }
        Index ix = indexes[p.index];
        if (p.exitCode == 0) {
            ix.succeeded = true;
            succeededPods++;
            return;
        }
        JobSpec s = job.getSpec();
        String action = "Count";
        int ruleIndex = -1;
        List<PodFailurePolicyRule> rules = s.getPodFailurePolicy() == null || s.getPodFailurePolicy().getRules() == null
                ? List.of() : s.getPodFailurePolicy().getRules();
        for (int r = 0; r < rules.size(); r++) {
            if (JobRules.matches(rules.get(r), container(), p.process != null, p.exitCode, p.disrupted)) {
                action = rules.get(r).getAction();
                ruleIndex = r;
                break;
            }
        }
        if ("Ignore".equals(action)) {
            return;
        }
        failedPods++;
        if ("FailJob".equals(action)) {
            fail("PodFailurePolicy", "Container " + container() + " for pod " + namespace + "/" + p.podName
                    + " failed with exit code " + p.exitCode + " matching FailJob rule at index " + ruleIndex);
            return;
        }
        if ("FailIndex".equals(action)) {
            failIndex(ix);
        } else if (s.getBackoffLimitPerIndex() != null && ++ix.failures > s.getBackoffLimitPerIndex()) {
            failIndex(ix);
        }
        int backoffLimit = s.getBackoffLimit() != null ? s.getBackoffLimit()
                : s.getBackoffLimitPerIndex() != null ? Integer.MAX_VALUE : 6;
        if (terminal == null && failedPods > backoffLimit) {
            fail("BackoffLimitExceeded", "Job has reached the specified backoff limit");
        }
    }

    private String container() {
        return job.getSpec().getTemplate().getSpec().getContainers().get(0).getName();
    }

    private void failIndex(Index ix) {
        ix.failed = true;
        Integer max = job.getSpec().getMaxFailedIndexes();
        long failed = Arrays.stream(indexes).filter(i -> i.failed).count();
        if (max != null && failed > max) {
            fail("MaxFailedIndexesExceeded", "Job has exceeded the specified maximal number of failed indexes");
        }
    }

    private void fail(String reason, String message) {
        terminal = JobRules.condition("Failed", reason, message);
    }

    /** Sets the terminal condition once every index succeeded ({@code Complete}) or finished with failures. */
    void checkFinished() {
        boolean allSucceeded = true;
        boolean allDone = true;
        for (Index ix : indexes) {
            allSucceeded &= ix.succeeded;
            allDone &= ix.succeeded || ix.failed;
        }
        if (allSucceeded) {
            completionTime = Instant.now();
            terminal = JobRules.condition("Complete", null, null);
        } else if (allDone) {
            fail("FailedIndexes", "Job has failed indexes");
        }
    }

    /** The status the Job has now, as the Job controller writes it (zero counts omitted). */
    JobStatus status() {
        JobSpec s = job.getSpec();
        JobStatus status = new JobStatus();
        status.setActive(running.isEmpty() ? null : running.size());
        status.setSucceeded(succeededPods == 0 ? null : succeededPods);
        status.setFailed(failedPods == 0 ? null : failedPods);
        status.setStartTime(startTime == null ? null : JobRules.time(startTime));
        status.setCompletionTime(completionTime == null ? null : JobRules.time(completionTime));
        if ("Indexed".equals(s.getCompletionMode())) {
            List<Integer> done = new ArrayList<>();
            List<Integer> failed = new ArrayList<>();
            for (int i = 0; i < indexes.length; i++) {
                if (indexes[i].succeeded) {
                    done.add(i);
                }
                if (indexes[i].failed) {
                    failed.add(i);
                }
            }
            status.setCompletedIndexes(done.isEmpty() ? null : JobRules.intervals(done));
            status.setFailedIndexes(s.getBackoffLimitPerIndex() == null ? null : JobRules.intervals(failed));
        }
        if (terminal != null) {
            status.setConditions(List.of(terminal));
        }
        return status;
    }
}
