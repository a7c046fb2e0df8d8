package dev.kvmigrate.cli.podrunner;

import java.nio.file.Path;
import java.time.Instant;

/** A pod attempt while the {@link JobController} tracks it. Its end is set by the process's exit callback. */
final class PodAttempt {
    /** Why the harness killed it, if it did. */
    enum Cause { NONE, KILL, JOB_FINISHED, SUSPENDED, DELETED }

    final String jobName;
    final String podName;
    final int index;
    final int attempt;
    final Instant start = Instant.now();
    final Path sandbox;
    Process process;
    Instant end;
    Integer exitCode;
    Cause cause = Cause.NONE;
    boolean disrupted;
    String reason = "";

    PodAttempt(String jobName, String podName, int index, int attempt, Path sandbox) {
        this.jobName = jobName;
        this.podName = podName;
        this.index = index;
        this.attempt = attempt;
        this.sandbox = sandbox;
    }

    synchronized boolean ended() {
        return end != null;
    }

    synchronized void ended(int code, String why) {
        if (end == null) {
            end = Instant.now();
            exitCode = code;
            if (!why.isEmpty()) {
                reason = why;
            }
        }
    }

    /** SIGKILL to the container's process and its descendants (a container's whole process tree dies). */
    synchronized void kill(Cause why, boolean asDisruption, String text) {
        if (end != null || cause != Cause.NONE) {
            return;
        }
        cause = why;
        disrupted = asDisruption;
        reason = text;
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    synchronized JobController.PodRecord record() {
        return new JobController.PodRecord(jobName, podName, index, attempt, start, end, exitCode,
                cause != Cause.NONE, disrupted, reason, sandbox);
    }
}
