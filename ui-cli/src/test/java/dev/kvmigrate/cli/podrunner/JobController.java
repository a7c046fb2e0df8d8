package dev.kvmigrate.cli.podrunner;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * A pod runner for tests: the Kubernetes Job controller and kubelet, emulated against an API server (fabric8's CRUD
 * mock), acting only on what the Job objects say. A background thread lists the Jobs of one namespace every
 * {@value #POLL_MS} ms (sooner when a pod ends) and drives each, as the Job documentation
 * (https://kubernetes.io/docs/concepts/workloads/controllers/job/) describes:
 * <ul>
 *   <li><b>Suspend</b> ("Suspending a Job"): while {@code spec.suspend} is true no pod starts, and running pods are
 *       terminated (not counted as failures); unsuspended, the Job starts (or goes on).</li>
 *   <li><b>Parallelism and completions</b> ("Controlling parallelism", "Completion mode"): at most
 *       {@code parallelism} (default 1) pods of a Job run at once; {@code completions} (default 1) indexes
 *       0..n-1 must each succeed, the lowest pending ones starting first. NonIndexed Jobs need {@code completions}
 *       successful pods: the harness counts them by slot (its {@link PodRecord#index()}); their pods get no index.
 *       Indexed pods get the {@code batch.kubernetes.io/job-completion-index} annotation/label and
 *       {@code JOB_COMPLETION_INDEX} ({@link PodSpecs}).</li>
 *   <li><b>Pod failures</b>, {@code restartPolicy: Never} ("Handling Pod and container failures", "Pod backoff failure
 *       policy", "Backoff limit per index", "Pod failure policy"): a failed pod is matched against
 *       {@code podFailurePolicy.rules} in order, the first match deciding: {@code FailJob} fails the Job (reason
 *       {@code PodFailurePolicy}), {@code FailIndex} fails the pod's index, {@code Ignore} replaces the pod without
 *       counting it (not in {@code status.failed}, not towards any limit), {@code Count} (or no match) counts it.
 *       {@code onExitCodes} matches a terminated container's exit code ({@code containerName} optional, {@code In}
 *       / {@code NotIn}, exit code 0 never matching {@code NotIn}); {@code onPodConditions} matches a pod condition
 *       ({@code status} default True); the only condition a pod gets here is {@code DisruptionTarget}, on a pod the
 *       harness {@linkplain #killWhen evicts}. A pod that never started (no container exit code) matches no
 *       {@code onExitCodes} rule. A counted failure: with {@code backoffLimitPerIndex}, the index fails once its
 *       failures exceed it, the other indexes going on, and the Job fails ({@code MaxFailedIndexesExceeded}) once
 *       the failed indexes exceed {@code maxFailedIndexes}; in any case the Job fails ({@code BackoffLimitExceeded})
 *       once the failed pods exceed {@code backoffLimit} (default 6; 2147483647 with {@code backoffLimitPerIndex}).
 *       When every index has finished and some failed, the Job fails ({@code FailedIndexes}); when all succeeded it
 *       is {@code Complete}.</li>
 *   <li><b>Status</b>, through the status subresource: {@code active}, {@code succeeded}, {@code failed} (zero
 *       values omitted, as the API server does), {@code startTime}, {@code completionTime} (successful Jobs only),
 *       {@code completedIndexes} and {@code failedIndexes} ({@link JobRules#intervals(Collection)}; the latter only with
 *       {@code backoffLimitPerIndex}), and the terminal condition {@code Complete} or {@code Failed} (status
 *       {@code True}). A Job with such a condition starts no pod, also one a previous controller finished. When the
 *       Job fails, its running pods are killed.</li>
 * </ul>
 * Not emulated: the exponential back-off delay between retries (a retry starts at the next poll), {@code OnFailure}
 * (in-pod container restarts), {@code activeDeadlineSeconds}, {@code successPolicy}, work-queue Jobs (parallelism
 * without completions), more than one container, Pod objects in the API, the {@code FailureTarget}/{@code
 * SuccessCriteriaMet}/{@code Suspended} conditions. A Job that uses them is refused: {@link #awaitFinished} throws,
 * naming what.
 */
public final class JobController implements AutoCloseable {
    static final long POLL_MS = 100;
    private static final String SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789";

    /**
     * One pod attempt, as recorded.
     *
     * @param index the completion index (NonIndexed Jobs: the completion slot the harness counted it in)
     * @param attempt 1 for the index's first pod, then 2, 3, … for its retries
     * @param end null while it runs
     * @param exitCode the container's exit code (137 when SIGKILLed); -1 when it failed to start; null while running
     * @param killed the harness killed it (SIGKILL): {@link #killWhen}, or the Job failing, being suspended or deleted
     * @param disrupted it was killed as a disruption (eviction): it has the {@code DisruptionTarget} condition
     * @param reason why it failed to start or was killed; empty otherwise
     * @param sandbox the pod's host directory ({@code stdout}, {@code stderr}, {@code volumes/})
     */
    public record PodRecord(String jobName, String podName, int index, int attempt, Instant start, Instant end,
            Integer exitCode, boolean killed, boolean disrupted, String reason, Path sandbox) {
        public boolean running() {
            return end == null;
        }

        public String stdout() {
            return read(sandbox.resolve("stdout"));
        }

        public String stderr() {
            return read(sandbox.resolve("stderr"));
        }

        private static String read(Path p) {
            try {
                return Files.isRegularFile(p) ? Files.readString(p) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private record KillRule(String jobName, int index, BooleanSupplier condition, boolean asDisruption) {}

    private final KubernetesClient client;
    private final String namespace;
    private final PodLauncher launcher;
    private final Path sandboxRoot;
    private final Map<String, String> serviceEnv;
    private final Map<String, JobRun> jobs = new HashMap<>();
    private final List<PodAttempt> pods = new CopyOnWriteArrayList<>();
    private final List<KillRule> kills = new CopyOnWriteArrayList<>();
    private final Map<String, String> refused = new ConcurrentHashMap<>();
    private final Random suffixes = new Random(42);
    private final Object wake = new Object();
    private final Thread thread;
    private volatile boolean closed;
    private volatile RuntimeException lastError;

    /**
     * Starts the controller.
     *
     * @param client a client of the API server (the mock); its master URL is the {@code KUBERNETES_SERVICE_HOST}
     *     and {@code _PORT} every pod gets
     * @param namespace the namespace whose Jobs it runs
     * @param launcher the container runtime
     * @param sandboxRoot where the pods' directories are made ({@code <root>/<namespace>/<pod>})
     */
    public JobController(KubernetesClient client, String namespace, PodLauncher launcher, Path sandboxRoot) {
        this.client = client;
        this.namespace = namespace;
        this.launcher = launcher;
        this.sandboxRoot = sandboxRoot;
        URI api = URI.create(client.getConfiguration().getMasterUrl());
        int port = api.getPort() > 0 ? api.getPort() : "http".equals(api.getScheme()) ? 80 : 443;
        this.serviceEnv = Map.of("KUBERNETES_SERVICE_HOST", api.getHost().replaceAll("^\\[|\\]$", ""),
                "KUBERNETES_SERVICE_PORT", Integer.toString(port));
        this.thread = new Thread(this::loop, "podrunner-" + namespace);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Kills (SIGKILL) the first pod of {@code jobName}'s index {@code index} that is running when {@code condition}
     * becomes true (checked at each poll while such a pod runs), once. {@code asDisruption}: the pod is evicted, so it
     * has the {@code DisruptionTarget} condition; otherwise it is a plain kill (exit 137, no condition).
     */
    public void killWhen(String jobName, int index, BooleanSupplier condition, boolean asDisruption) {
        kills.add(new KillRule(jobName, index, condition, asDisruption));
    }

    /** Every pod attempt so far, in start order. */
    public List<PodRecord> pods() {
        return pods.stream().map(PodAttempt::record).toList();
    }

    /** {@code jobName}'s pod attempts so far, in start order. */
    public List<PodRecord> pods(String jobName) {
        return pods.stream().filter(p -> p.jobName.equals(jobName)).map(PodAttempt::record).toList();
    }

    /**
     * Waits until {@code jobName} has a {@code Complete} or {@code Failed} condition in the API and all its pods
     * have ended; returns the Job as the API server has it then.
     *
     * @throws IllegalStateException when the harness refused the Job (something it does not emulate)
     * @throws TimeoutException when it does not finish in time (the message has its pods)
     */
    public Job awaitFinished(String jobName, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String why = refused.get(jobName);
            if (why != null) {
                throw new IllegalStateException("the pod runner refused Job " + jobName + ": " + why);
            }
            Job job = client.batch().v1().jobs().inNamespace(namespace).withName(jobName).get();
            if (job != null && JobRules.finishedCondition(job).isPresent()
                    && pods(jobName).stream().noneMatch(PodRecord::running)) {
                return job;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Job " + jobName + " did not finish in " + timeout + "; status "
                        + (job == null ? "(no such Job)" : job.getStatus()) + "; pods " + pods(jobName)
                        + (lastError == null ? "" : "; controller error: " + lastError));
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        thread.join(10_000);
        for (PodAttempt p : pods) {
            p.kill(PodAttempt.Cause.DELETED, false, "controller closed");
        }
    }

    private void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void loop() {
        while (!closed) {
            try {
                tick();
                lastError = null;
            } catch (RuntimeException e) {
                lastError = e;
            }
            synchronized (wake) {
                if (!closed) {
                    try {
                        wake.wait(POLL_MS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    private void tick() {
        Set<String> seen = new HashSet<>();
        for (Job job : client.batch().v1().jobs().inNamespace(namespace).list().getItems()) {
            String key = job.getMetadata().getUid() != null ? job.getMetadata().getUid() : job.getMetadata().getName();
            seen.add(key);
            if (refused.containsKey(job.getMetadata().getName())) {
                continue;
            }
            JobRun st = jobs.get(key);
            if (st == null) {
                Optional<String> why = JobRules.unsupported(job);
                if (why.isPresent()) {
                    refused.put(job.getMetadata().getName(), why.get());
                    continue;
                }
                st = new JobRun(job);
                jobs.put(key, st);
            }
            st.job = job;
            try {
                drive(st);
            } catch (IllegalArgumentException e) {
                refused.put(job.getMetadata().getName(), e.getMessage());
                st.running.forEach(p -> p.kill(PodAttempt.Cause.DELETED, false, "refused: " + e.getMessage()));
            }
        }
        for (Iterator<Map.Entry<String, JobRun>> it = jobs.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, JobRun> e = it.next();
            if (!seen.contains(e.getKey())) {
                e.getValue().running.forEach(p -> p.kill(PodAttempt.Cause.DELETED, false, "Job deleted"));
                it.remove();
            }
        }
    }

    private void drive(JobRun st) {
        Job job = st.job;
        String name = job.getMetadata().getName();
        for (Iterator<PodAttempt> it = st.running.iterator(); it.hasNext(); ) {
            PodAttempt p = it.next();
            if (p.ended()) {
                it.remove();
                st.indexes[p.index].running = null;
                st.ended(p, namespace);
            }
        }
        if (st.terminal == null) {
            st.checkFinished();
        }
        boolean suspended = Boolean.TRUE.equals(job.getSpec().getSuspend());
        if (st.terminal != null) {
            st.running.forEach(p -> p.kill(PodAttempt.Cause.JOB_FINISHED, false, "Job " + st.terminal.getReason()));
        } else if (suspended) {
            // "Suspending a Job": active pods are terminated; startTime is reset when the Job is resumed
            st.running.forEach(p -> p.kill(PodAttempt.Cause.SUSPENDED, false, "Job suspended"));
            st.startTime = null;
        } else {
            for (PodAttempt p : st.running) {
                for (KillRule k : kills) {
                    if (k.jobName.equals(name) && k.index == p.index && k.condition.getAsBoolean()
                            && kills.remove(k)) {
                        p.kill(PodAttempt.Cause.KILL, k.asDisruption, k.asDisruption ? "evicted (DisruptionTarget)"
                                : "killed");
                    }
                }
            }
            startPods(st);
        }
        writeStatus(st);
    }

    private void startPods(JobRun st) {
        int parallelism = st.job.getSpec().getParallelism() == null ? 1 : st.job.getSpec().getParallelism();
        for (int i = 0; i < st.indexes.length && st.running.size() < parallelism; i++) {
            JobRun.Index ix = st.indexes[i];
            if (!ix.succeeded && !ix.failed && ix.running == null) {
                start(st, i);
            }
        }
    }

    private void start(JobRun st, int i) {
        Job job = st.job;
        JobRun.Index ix = st.indexes[i];
        if (st.startTime == null) {
            st.startTime = Instant.now();
        }
        boolean indexed = "Indexed".equals(job.getSpec().getCompletionMode());
        StringBuilder suffix = new StringBuilder();
        for (int k = 0; k < 5; k++) {
            suffix.append(SUFFIX_CHARS.charAt(suffixes.nextInt(SUFFIX_CHARS.length())));
        }
        String name = job.getMetadata().getName();
        String podName = name + (indexed ? "-" + i : "") + "-" + suffix;
        Path sandbox = sandboxRoot.resolve(namespace).resolve(podName);
        PodAttempt pod = new PodAttempt(name, podName, i, ++ix.attempts, sandbox);
        try {
            Files.createDirectories(sandbox);
            String uid = UUID.nameUUIDFromBytes(podName.getBytes(StandardCharsets.UTF_8)).toString();
            PodSpecs.Pod identity = PodSpecs.pod(job, podName, uid, i, pod.attempt);
            LaunchSpec spec = PodSpecs.build(client, job, identity, sandbox, serviceEnv);
            synchronized (pod) {
                pod.process = launcher.launch(spec);
            }
            pod.process.onExit().thenAccept(proc -> {
                pod.ended(proc.exitValue(), "");
                wake();
            });
        } catch (PodSpecs.StartFailure e) {
            pod.ended(-1, e.getMessage());
        } catch (IOException e) {
            pod.ended(-1, "StartError: " + e.getMessage());
        }
        ix.running = pod;
        st.running.add(pod);
        pods.add(pod);
        if (pod.ended()) {
            wake();
        }
    }

    private void writeStatus(JobRun st) {
        if (st.finishedBefore) {
            return;
        }
        JobStatus status = st.status();
        if (status.equals(st.written)) {
            return;
        }
        client.batch().v1().jobs().inNamespace(namespace).withName(st.job.getMetadata().getName())
                .editStatus(j -> new JobBuilder(j).withStatus(status).build());
        st.written = status;
    }
}
