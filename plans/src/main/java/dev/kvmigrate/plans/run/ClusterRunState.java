package dev.kvmigrate.plans.run;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.concern.KubernetesName;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plan run's journal kept in the cluster, so that a scale-out pod ({@code plan run --only VM --resume
 * --state-in-cluster}, its state directory an emptyDir) that is retried on another node resumes where the last
 * one stopped, and {@code plan status --from-cluster} shows the run from a workstation.
 *
 * <p><b>One ConfigMap per VM.</b> Kubernetes refuses objects over 1 MiB (etcd's request limit), so nothing may grow
 * with the fleet: each VM's entries live in their own ConfigMap, {@code kvm-<plan>-run-<vm>}, labelled
 * {@code kv-migrate.dev/plan} and {@code kv-migrate.dev/vm} (found by label for {@link #all}), annotated
 * {@code kv-migrate.dev/vm-name} with the VM's real name for people (a Kubernetes name loses case and characters;
 * the code goes by the VM its entries name, as stages never read annotations back as input), its data
 * key {@code journal.jsonl} holding exactly the JSON Lines of the file journal ({@link Journal#line}). One VM's
 * pod writes one object, so pods of different VMs never contend. A VM with 4 disks records about 40 entries
 * (~10 KiB); {@link #LIMIT_BYTES} (512 KiB) leaves half the API server's limit as margin.
 *
 * <p><b>Names.</b> When {@code kvm-<plan>-run-<vm>} is already a valid name it is the name. When it is not (upper
 * case, {@code _} or {@code .}, longer than 63), {@link KubernetesName} would map different VMs onto one name
 * ({@code Web_01} and {@code web-01}, or two long names sharing 63 characters), so the lossy name is cut to leave
 * room for {@code -} and 8 hex digits of the SHA-256 of the real name. A ConfigMap holding another VM's entries is
 * never overwritten: that is an error naming both.
 *
 * <p><b>Conflicts.</b> Every write is a read-modify-write with the read {@code resourceVersion} as precondition
 * (create when absent). A 409 (another writer in between — a pod that overlaps its retry, or two runs of one VM)
 * re-reads and re-applies this process's pending entries onto what is there now; entries already present (equal
 * seq, time, step, state and detail) are not added twice, so nothing of either writer is lost or doubled. After
 * {@link #TRIES} conflicts in a row, and at least {@link #RETRY_FOR} of them, the write fails with an error naming
 * the ConfigMap.
 *
 * <p><b>Progress.</b> A disk transfer records a PROGRESS entry every few seconds; pushing each would cost an API
 * write per disk per sample and grow the object with the transfer's length. PROGRESS entries are coalesced — only
 * the latest per (step, disk) is kept, here and in the ConfigMap — and pushed at most every {@link #PROGRESS_EVERY}
 * per VM; any other entry is pushed at once, taking the pending progress along. {@link #flush} pushes what is
 * pending (at the end of a run). The report's throughput chart from the cluster therefore has one sample per disk
 * between start and end, where the local journal has all.
 *
 * <p><b>Size.</b> Should a VM's record pass {@link #LIMIT_BYTES}, its oldest PROGRESS entries go first; the record
 * of what happened (every other entry) is never dropped silently: the write fails with an error naming the
 * ConfigMap instead.
 */
public final class ClusterRunState {
    /** The data key of the entries, JSON Lines as in the file journal. */
    public static final String DATA_KEY = "journal.jsonl";
    /** The annotation holding the VM's real (source) name. */
    public static final String ANNOTATION_VM_NAME = "kv-migrate.dev/vm-name";
    /** The most a VM's entries may take (half of the API server's 1 MiB object limit). */
    static final int LIMIT_BYTES = 512 * 1024;
    /** How often a VM's progress is pushed at most. */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    /** Writes tried per push at least when others keep changing the object in between. */
    static final int TRIES = 12;
    /**
     * How long a push keeps trying at least, however many conflicts: a count alone gave up within ~1 s while
     * another writer on a slow, busy host was still in a burst of writes.
     */
    static final Duration RETRY_FOR = Duration.ofSeconds(15);
    /** The longest pause between two tries (random, growing with the tries, so two writers fall out of step). */
    private static final long MAX_PAUSE_MS = 250;
    private static final String FIX_CORRUPT = "it is written only by kv-migrate; delete the ConfigMap to drop the"
            + " cluster's copy (a run then goes by its local journal)";

    private final KubernetesClient client;
    private final String namespace;
    private final String plan;
    private final long progressEveryNanos;
    private final Map<String, List<JournalEntry>> pending = new LinkedHashMap<>();
    private final Map<String, Long> lastPush = new LinkedHashMap<>();
    private final AtomicInteger conflicts = new AtomicInteger();

    /**
     * @param client the target cluster
     * @param namespace where the ConfigMaps live (the plan's target namespace)
     * @param plan the plan's name ({@code metadata.name})
     */
    public ClusterRunState(KubernetesClient client, String namespace, String plan) {
        this(client, namespace, plan, PROGRESS_EVERY);
    }

    ClusterRunState(KubernetesClient client, String namespace, String plan, Duration progressEvery) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.progressEveryNanos = progressEvery.toNanos();
    }

    /** The ConfigMap name of a VM's entries (see the class comment for lossy names). */
    public static String configMapName(String plan, String vm) {
        String raw = "kvm-" + plan + "-run-" + vm;
        String name = KubernetesName.of(raw);
        if (name.equals(raw)) {
            return name;
        }
        String hash = HexFormat.of().formatHex(sha256(vm), 0, 4);
        String base = KubernetesName.of(name.substring(0, Math.min(name.length(),
                KubernetesName.MAX_LENGTH - hash.length() - 1)));
        return base + "-" + hash;
    }

    /** What the cluster holds for a VM, in journal order; empty when nothing. */
    public List<JournalEntry> entries(String vm) {
        Stored there = read(vm);
        return there == null ? List.of() : there.entries();
    }

    /**
     * Mirrors one entry of {@code vm} (run-wide entries, without a VM, are not kept: they belong to one process's
     * run). PROGRESS entries wait up to {@link #PROGRESS_EVERY}; others are written before this returns.
     *
     * @throws KvMigrateException (target error) naming the ConfigMap when it cannot be written, or conflicts kept
     *     coming, or the VM's record would pass {@link #LIMIT_BYTES} without progress left to drop
     */
    public synchronized void record(String vm, JournalEntry e) {
        List<JournalEntry> mine = pending.computeIfAbsent(vm, k -> new ArrayList<>());
        if (e.state() == StepState.PROGRESS) {
            mine.removeIf(p -> sameProgress(p, e));
        }
        mine.add(e);
        long now = System.nanoTime();
        Long last = lastPush.get(vm);
        if (e.state() == StepState.PROGRESS && last != null && now - last < progressEveryNanos) {
            return;
        }
        push(vm);
    }

    /** Mirrors many entries of one VM in one write (coalesced and checked as {@link #record} does). */
    synchronized void recordAll(String vm, List<JournalEntry> entries) {
        List<JournalEntry> mine = pending.computeIfAbsent(vm, k -> new ArrayList<>());
        mine.addAll(merge(List.of(), entries));
        push(vm);
    }

    /** The ConfigMap a VM's record would be written as, holding {@code entries} (coalesced, within the limit). */
    ConfigMap object(String vm, List<JournalEntry> entries) {
        return fresh(vm, fit(vm, merge(List.of(), entries)));
    }

    /** Pushes the progress still waiting, of every VM. */
    public synchronized void flush() {
        for (String vm : List.copyOf(pending.keySet())) {
            push(vm);
        }
    }

    /** Every VM of the plan that the cluster has entries of (by the plan label), by VM name. */
    public Map<String, List<JournalEntry>> all() {
        List<ConfigMap> items;
        try {
            items = client.configMaps().inNamespace(namespace).withLabel(PlanConversion.LABEL_PLAN, plan).list()
                    .getItems();
        } catch (KubernetesClientException e) {
            throw failed("cannot list ConfigMaps labelled " + PlanConversion.LABEL_PLAN + "=" + plan + " in namespace "
                    + namespace, e);
        }
        Map<String, List<JournalEntry>> out = new TreeMap<>();
        for (ConfigMap cm : items) {
            if (cm.getData() == null || !cm.getData().containsKey(DATA_KEY)) {
                continue; // labelled by the plan, but not a run's record (the executor's plan ConfigMap)
            }
            // The VM is the one its entries name (the annotation is for people: nothing reads it back).
            List<JournalEntry> entries = parse(cm);
            entries.stream().flatMap(e -> e.vm().stream()).findFirst().ifPresent(vm -> out.put(vm, entries));
        }
        return out;
    }

    /** 409s seen so far (writes re-applied after another writer). */
    int conflicts() {
        return conflicts.get();
    }

    private void push(String vm) {
        List<JournalEntry> mine = pending.getOrDefault(vm, List.of());
        if (mine.isEmpty()) {
            return;
        }
        String name = configMapName(plan, vm);
        long started = System.nanoTime();
        int attempt = 0;
        while (++attempt <= TRIES || System.nanoTime() - started < RETRY_FOR.toNanos()) {
            Stored stored = read(vm);
            ConfigMap cm = stored == null ? null : stored.object();
            List<JournalEntry> there = stored == null ? List.of() : stored.entries();
            List<JournalEntry> merged = merge(there, mine);
            if (cm != null && merged.equals(there)) { // all there already (another writer, or a retry, put them)
                pending.remove(vm);
                return;
            }
            String text = fit(vm, merged);
            try {
                if (cm == null) {
                    client.configMaps().inNamespace(namespace).resource(fresh(vm, text)).create();
                } else {
                    cm.setData(new LinkedHashMap<>(Map.of(DATA_KEY, text)));
                    // the resourceVersion read above stays set: the API server refuses (409) if it moved since
                    client.configMaps().inNamespace(namespace).resource(cm).update();
                }
                pending.remove(vm);
                lastPush.put(vm, System.nanoTime());
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw failed("cannot write ConfigMap " + namespace + "/" + name + " (the run's journal of VM " + vm
                            + ")", e);
                }
                conflicts.incrementAndGet();
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(5, Math.min(MAX_PAUSE_MS, 20L * attempt)));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new KvMigrateException(ExitCode.INTERRUPTED, "interrupted writing ConfigMap " + namespace
                            + "/" + name, ie);
                }
            }
        }
        throw new KvMigrateException(ExitCode.TARGET_ERROR, "ConfigMap " + namespace + "/" + name + " (the run's"
                + " journal of VM " + vm + ") changed under every one of " + (attempt - 1) + " writes in "
                + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s (409 Conflict): another"
                + " process keeps writing it; make sure only one run of VM " + vm + " goes on (kubectl get pods -l "
                + PlanConversion.LABEL_PLAN + "=" + plan + " -n " + namespace + ")");
    }

    /** What is there, plus this process's entries not yet there; older PROGRESS of the same disk give way. */
    static List<JournalEntry> merge(List<JournalEntry> there, List<JournalEntry> mine) {
        List<JournalEntry> out = new ArrayList<>(there);
        for (JournalEntry e : mine) {
            if (out.contains(e)) {
                continue;
            }
            if (e.state() == StepState.PROGRESS) {
                out.removeIf(x -> sameProgress(x, e));
            }
            out.add(e);
        }
        return out;
    }

    /** The entries as JSON Lines within {@link #LIMIT_BYTES}: oldest PROGRESS dropped first, nothing else ever. */
    private String fit(String vm, List<JournalEntry> entries) {
        List<JournalEntry> kept = new ArrayList<>(entries);
        while (true) {
            String text = lines(kept);
            int size = text.getBytes(StandardCharsets.UTF_8).length;
            if (size <= LIMIT_BYTES) {
                return text;
            }
            int oldest = -1;
            for (int i = 0; i < kept.size() && oldest < 0; i++) {
                if (kept.get(i).state() == StepState.PROGRESS) {
                    oldest = i;
                }
            }
            if (oldest < 0) {
                throw new KvMigrateException(ExitCode.TARGET_ERROR, "the run's journal of VM " + vm + " would take "
                        + size + " bytes in ConfigMap " + namespace + "/" + configMapName(plan, vm) + ", over the "
                        + LIMIT_BYTES + " bytes kept per VM, and has no progress entries left to drop; that is far"
                        + " beyond a normal run (a VM with 4 disks takes ~10 KiB): look for a step that repeats, and"
                        + " delete the ConfigMap to start the VM's cluster record afresh (its local journal keeps"
                        + " everything)");
            }
            kept.remove(oldest);
        }
    }

    private static String lines(List<JournalEntry> entries) {
        StringBuilder b = new StringBuilder();
        entries.forEach(e -> b.append(Journal.line(e)));
        return b.toString();
    }

    private static boolean sameProgress(JournalEntry a, JournalEntry b) {
        return a.state() == StepState.PROGRESS && b.state() == StepState.PROGRESS && a.step().equals(b.step())
                && a.detail("disk").equals(b.detail("disk"));
    }

    private ConfigMap fresh(String vm, String text) {
        return new ConfigMapBuilder().withNewMetadata().withName(configMapName(plan, vm)).withNamespace(namespace)
                .addToLabels(PlanConversion.LABEL_PLAN, plan).addToLabels(PlanConversion.LABEL_VM,
                        KubernetesName.of(vm))
                .addToAnnotations(ANNOTATION_VM_NAME, vm).endMetadata().addToData(DATA_KEY, text).build();
    }

    /** A VM's ConfigMap as read, and its entries. */
    private record Stored(ConfigMap object, List<JournalEntry> entries) {}

    /** The VM's ConfigMap, or null; one holding another VM's entries (a name collision) is an error. */
    private Stored read(String vm) {
        String name = configMapName(plan, vm);
        ConfigMap cm;
        try {
            cm = client.configMaps().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw failed("cannot read ConfigMap " + namespace + "/" + name + " (the run's journal of VM " + vm + ")",
                    e);
        }
        if (cm == null) {
            return null;
        }
        List<JournalEntry> entries = parse(cm);
        Optional<String> other = entries.stream().flatMap(e -> e.vm().stream()).filter(v -> !v.equals(vm))
                .findFirst();
        if (other.isPresent()) {
            throw new KvMigrateException(ExitCode.TARGET_ERROR, "ConfigMap " + namespace + "/" + name + " is not the"
                    + " run's journal of VM " + vm + " (it holds entries of VM " + other.get() + "); it is left as it"
                    + " is: rename or delete the object that took the name");
        }
        return new Stored(cm, entries);
    }

    private List<JournalEntry> parse(ConfigMap cm) {
        String text = cm.getData() == null ? null : cm.getData().get(DATA_KEY);
        return text == null ? List.of() : Journal.parse("ConfigMap " + namespace + "/" + cm.getMetadata().getName()
                + " key " + DATA_KEY, text, FIX_CORRUPT);
    }

    private KvMigrateException failed(String what, KubernetesClientException e) {
        String why = e.getCode() == HttpURLConnection.HTTP_FORBIDDEN ? "; the run's service account needs get, list,"
                + " create and update on configmaps in namespace " + namespace : "";
        return KvMigrateException.targetError(what + ": " + (e.getStatus() != null && e.getStatus().getMessage()
                != null ? e.getStatus().getMessage() : e.getMessage()) + why, e);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
