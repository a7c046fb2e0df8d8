package dev.kvmigrate.plans.run;

import dev.kvmigrate.converter.gpu.ClusterGpus;
import dev.kvmigrate.converter.storage.ClusterStorage;
import dev.kvmigrate.converter.mapping.GpuTarget;
import dev.kvmigrate.converter.validate.ClusterProbe;
import dev.kvmigrate.plans.model.MigrationPlan;
import dev.kvmigrate.plans.model.PlanTarget;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.io.AtomicFile;
import dev.kvmigrate.converter.ManifestWriter;
import dev.kvmigrate.converter.OutputFormat;
import dev.kvmigrate.inventory.PowerControl;
import dev.kvmigrate.inventory.SourceProblems;
import dev.kvmigrate.inventory.VmSource;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.report.ReportWriter;
import dev.kvmigrate.plans.report.RunReport;
import dev.kvmigrate.importer.sink.CdiUploadSink;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code plan run} as one call: scan the plan's source, convert it into migration units, then run them here, write
 * what a run would do (dry run), or hand them to Kubernetes Jobs. Front ends bind options, call {@link #run} and
 * render the {@link Result}.
 */
public final class PlanRun {
    private static final Logger LOG = LoggerFactory.getLogger(PlanRun.class);

    /** Where the VMs are migrated from. */
    public enum Executor { LOCAL, KUBERNETES }

    /**
     * What to do.
     *
     * @param dryRun write manifests, the admin patch and the report (or the Jobs), touch nothing
     * @param resume continue the run recorded in the plan's journal
     * @param only run just these source VMs (all selected when empty)
     * @param concurrency VMs and disk transfers at a time; absent: the plan's
     * @param executor here, or Kubernetes Jobs
     * @param image the container image of the Jobs
     * @param applyAdminPatch merge-patch the KubeVirt CR of a cluster target with what the plan needs
     * @param rollback give the {@code only} VMs up: remove their target objects, start their sources
     * @param stateInCluster keep the journal's VM entries in the cluster too ({@link ClusterRunState}): an empty
     *     local journal is seeded from it, every entry is mirrored to it; cluster targets only
     */
    public record Request(boolean dryRun, boolean resume, Set<String> only, Optional<Integer> concurrency,
            Executor executor, String image, boolean applyAdminPatch, boolean rollback, boolean stateInCluster) {
        public Request(boolean dryRun, boolean resume, Set<String> only, Optional<Integer> concurrency,
                Executor executor, String image, boolean applyAdminPatch) {
            this(dryRun, resume, only, concurrency, executor, image, applyAdminPatch, false);
        }

        public Request(boolean dryRun, boolean resume, Set<String> only, Optional<Integer> concurrency,
                Executor executor, String image, boolean applyAdminPatch, boolean rollback) {
            this(dryRun, resume, only, concurrency, executor, image, applyAdminPatch, rollback, false);
        }

        public Request {
            only = Set.copyOf(Objects.requireNonNullElse(only, Set.of()));
            concurrency = Objects.requireNonNullElse(concurrency, Optional.empty());
            Objects.requireNonNull(executor, "executor");
            Objects.requireNonNull(image, "image");
        }
    }

    /** What a call did. */
    public sealed interface Result {
        /** The plan, converted. */
        PlanConversion.Prepared prepared();
    }

    /** A local run: per VM whether it succeeded, the waves, and where the report is. */
    public record Ran(PlanConversion.Prepared prepared, PlanRunner.Outcome outcome, Path report) implements Result {}

    /** A rollback: per VM what was removed and done to its source. */
    public record RolledBack(PlanConversion.Prepared prepared, Map<String, PlanRollback.VmRollback> vms)
            implements Result {
        public boolean allSucceeded() {
            return vms.values().stream().allMatch(PlanRollback.VmRollback::ok);
        }
    }

    /** A dry run: the manifests and report written, nothing touched. */
    public record DryRun(PlanConversion.Prepared prepared, Path manifests, Path report) implements Result {}

    /** Scale-out: the Jobs written to a file ({@code dryRun}) or created in the cluster. */
    public record ScaledOut(PlanConversion.Prepared prepared, List<String> vms, Optional<Path> file,
            List<String> created, String namespace, KubernetesExecutor.Submission submission) implements Result {}

    private PlanRun() {}

    /** Scans the plan's source and converts the selected VMs into their migration units. */
    public static PlanConversion.Prepared prepare(LoadedPlan lp) {
        return prepare(lp, problem -> LOG.warn("{}", problem));
    }

    /**
     * Scans the plan's source and converts the selected VMs into their migration units; {@code problems} hears of
     * each item of the source that could not be read (a broken dump or OVA of a folder) and so is not in the plan.
     */
    public static PlanConversion.Prepared prepare(LoadedPlan lp, Consumer<String> problems) {
        return prepare(lp, problems, Optional.empty());
    }

    /**
     * As {@link #prepare(LoadedPlan, Consumer)}; with {@code facts} the cluster is not asked: the plan is converted
     * with the facts given (a scale-out pod converts as the workstation that submitted it did).
     */
    public static PlanConversion.Prepared prepare(LoadedPlan lp, Consumer<String> problems,
            Optional<ConversionFacts> facts) {
        Inventory inv;
        try (VmSource src = PlanSources.open(lp)) {
            inv = src.scan(lp.plan().vms().selector());
            if (src instanceof SourceProblems sp) {
                sp.problems().forEach(problems);
            }
        }
        ConversionFacts asked = facts.orElseGet(() -> askCluster(lp, inv, problems));
        return PlanConversion.prepare(lp, inv, asked.gpus(), asked.storage());
    }

    /**
     * What the target cluster says, when the plan's target is one: its storage facts (StorageProfiles, CDIConfig's
     * filesystem overhead, the default class), and its GPU facts when the plan leaves the GPU target to it
     * ({@code gpuTarget: auto}, a selected VM with a GPU or host device). An unreadable cluster is a problem
     * reported; the plan is then converted for the device plugin, with the storage map's modes and CDI's default
     * overhead.
     */
    static ConversionFacts askCluster(LoadedPlan lp, Inventory inv, Consumer<String> problems) {
        MigrationPlan plan = lp.plan();
        Optional<PlanTarget.Cluster> c = plan.target().cluster();
        if (c.isEmpty()) {
            return ConversionFacts.NOTHING;
        }
        boolean devices = inv.vms().stream().filter(vm -> plan.vms().selector().matches(vm.name()))
                .anyMatch(vm -> !vm.gpus().isEmpty() || !vm.hostDevices().isEmpty());
        boolean gpus = plan.mappings().gpuTarget() == GpuTarget.AUTO && devices;
        try (KubernetesClient client = ClusterProbe.connectToAsk(c.get().kubeconfig().map(k -> lp.resolve(k).toFile()),
                c.get().context())) {
            Optional<ClusterGpus> gpuFacts = Optional.empty();
            if (gpus) {
                try {
                    gpuFacts = Optional.of(ClusterProbe.gpus(client));
                } catch (KvMigrateException e) {
                    problems.accept("gpuTarget auto: " + e.getMessage() + "; converting for the device plugin (set"
                            + " mappings.gpuTarget to decide without the cluster)");
                    problems.accept(storageUnknown(e));
                    return ConversionFacts.NOTHING;
                }
            }
            try {
                return new ConversionFacts(gpuFacts, Optional.of(ClusterProbe.storage(client)));
            } catch (KvMigrateException e) {
                problems.accept(storageUnknown(e));
                return new ConversionFacts(gpuFacts, Optional.empty());
            }
        } catch (KvMigrateException e) {
            if (gpus) {
                problems.accept("gpuTarget auto: " + e.getMessage() + "; converting for the device plugin (set"
                        + " mappings.gpuTarget to decide without the cluster)");
            }
            problems.accept(storageUnknown(e));
            return ConversionFacts.NOTHING;
        }
    }

    private static String storageUnknown(KvMigrateException e) {
        return "storage profiles: " + e.getMessage() + "; DataVolumes keep the storage map's modes and CDI's"
                + " default filesystem overhead (0.055)";
    }

    /**
     * Runs the request.
     *
     * @param notes one-line messages for the operator (what was cleaned up, patched)
     * @param listener every step as the run records it
     */
    public static Result run(PlanConversion.Prepared p, Request r, Consumer<String> notes, RunListener listener) {
        LoadedPlan lp = p.plan();
        if (r.rollback()) {
            return rollback(p, r, listener);
        }
        if (r.executor() == Executor.KUBERNETES) {
            return scaleOut(p, r);
        }
        if (r.dryRun()) {
            Path dir = lp.stateFile(".dry-run");
            ManifestWriter.write(p.result(), dir.resolve("manifests"), OutputFormat.YAML);
            RunReport report = ReportBuilder.dryRun(p, lp.plan().target().describe(), Instant.now());
            return new DryRun(p, dir.resolve("manifests"), ReportWriter.write(report, dir.resolve("report")));
        }
        if (r.applyAdminPatch() && lp.plan().target().isDir()) {
            throw new KvMigrateException(ExitCode.USAGE, "--apply-admin-patch needs a cluster target; dir: targets"
                    + " get admin/kubevirt-cr-patch.yaml");
        }
        if (r.stateInCluster()) {
            return runWithClusterState(p, r, notes, listener);
        }
        // The plan's lock is taken first and held until the report is written: nothing of a run happens unlocked.
        try (Journal journal = Journal.open(lp.journal()); Target target = PlanTargets.open(lp)) {
            return runLocked(p, r, notes, listener, journal, target);
        }
    }

    /**
     * {@code --state-in-cluster}: the cluster's copy of the VMs' entries seeds an empty local journal (a retried pod
     * starts with an empty state directory), and every VM entry appended is mirrored to it; pending progress is
     * pushed when the run ends, whichever way.
     */
    private static Result runWithClusterState(PlanConversion.Prepared p, PlanRun.Request r, Consumer<String> notes,
            RunListener listener) {
        LoadedPlan lp = p.plan();
        if (lp.plan().target().isDir()) {
            throw new KvMigrateException(ExitCode.USAGE, "--state-in-cluster keeps the run's journal in the target"
                    + " cluster: it needs a cluster target; the plan's target is " + lp.plan().target().describe()
                    + " (drop --state-in-cluster: the local journal is the run's state)");
        }
        // The cluster is read before the plan's lock is taken for the run: seeding takes (and drops) the lock itself.
        try (ClusterTarget target = PlanTargets.cluster(lp)) {
            ClusterRunState cluster = new ClusterRunState(target.client(), target.namespace(), lp.plan().name());
            if (Journal.read(lp.journal()).isEmpty()) {
                List<JournalEntry> seed = new java.util.ArrayList<>();
                if (r.only().isEmpty()) {
                    cluster.all().values().forEach(seed::addAll);
                } else {
                    r.only().stream().sorted().forEach(vm -> seed.addAll(cluster.entries(vm)));
                }
                if (!seed.isEmpty()) {
                    Journal.seed(lp.journal(), seed);
                    notes.accept("seeded the journal " + lp.journal() + " with " + seed.size() + " entr"
                            + (seed.size() == 1 ? "y" : "ies") + " kept in the cluster (namespace "
                            + target.namespace() + ")");
                }
            }
            try (Journal journal = Journal.open(lp.journal(), e -> e.vm().ifPresent(vm -> cluster.record(vm, e)))) {
                Result result;
                try {
                    result = runLocked(p, r, notes, listener, journal, target);
                } catch (RuntimeException e) {
                    try {
                        cluster.flush();
                    } catch (RuntimeException f) {
                        e.addSuppressed(f);
                    }
                    throw e;
                }
                cluster.flush();
                return result;
            }
        }
    }

    /** The run under the plan's lock ({@code journal} held) against an open target. */
    private static Result runLocked(PlanConversion.Prepared p, PlanRun.Request r, Consumer<String> notes,
            RunListener listener, Journal journal, Target target) {
        LoadedPlan lp = p.plan();
        try (OptionalPower power = new OptionalPower(PlanSources.power(lp))) {
            if (target instanceof DirectoryTarget d) {
                d.ownImages(journal.entries());
                int left = d.removeLeftovers();
                if (left > 0) {
                    notes.accept("removed " + left + " half-written file(s) of an interrupted run");
                }
                d.writeAdmin(p.result().adminPatch());
            }
            if (r.applyAdminPatch() && target instanceof ClusterTarget c) {
                notes.accept("patched KubeVirt CR " + String.join(", ", c.applyAdminPatch(
                        p.result().adminPatch().patch())));
            }
            PlanRunner.Outcome outcome = PlanRunner.run(p, target, power.power, journal, new PlanRunner.Settings(
                    r.resume(), r.only(), r.concurrency(), PlanCancel.watch(lp)), listener);
            Path reportDir = target instanceof DirectoryTarget d ? d.dir().resolve("report")
                    : lp.stateFile(".report");
            RunReport report = ReportBuilder.build(p, RunState.of(journal.entries()), target.describe(),
                    Instant.now());
            return new Ran(p, outcome, ReportWriter.write(report, reportDir));
        }
    }

    private static RolledBack rollback(PlanConversion.Prepared p, Request r, RunListener listener) {
        if (r.only().isEmpty() || r.dryRun() || r.resume() || r.executor() == Executor.KUBERNETES
                || r.applyAdminPatch()) {
            throw new KvMigrateException(ExitCode.USAGE, "--rollback takes --only VM (one or more) and none of"
                    + " --dry-run, --resume, --executor kubernetes, --apply-admin-patch");
        }
        LoadedPlan lp = p.plan();
        try (Journal journal = Journal.open(lp.journal()); Target target = PlanTargets.open(lp);
                OptionalPower power = new OptionalPower(PlanSources.power(lp))) {
            if (target instanceof DirectoryTarget d) {
                d.ownImages(journal.entries());
            }
            return new RolledBack(p, PlanRollback.run(p, target, power.power, journal, r.only(), listener));
        }
    }

    private static ScaledOut scaleOut(PlanConversion.Prepared p, Request r) {
        LoadedPlan lp = p.plan();
        KubernetesExecutor.requireRunnable(lp);
        List<VmWork> selected = PlanRunner.select(p, r.only());
        List<String> vms = selected.stream().map(VmWork::name).toList();
        int concurrency = r.concurrency().orElse(lp.plan().options().concurrencyOrDefault());
        Optional<String> planCa = lp.plan().target().cluster().flatMap(c -> c.uploadProxyCaFile()).map(f -> {
            try {
                return Files.readString(lp.resolve(f));
            } catch (IOException e) {
                throw KvMigrateException.invalidInput("target.cluster.uploadProxyCaFile " + f + ": cannot read "
                        + lp.resolve(f) + " (" + e.getMessage() + ")");
            }
        });
        Optional<String> planUrl = lp.plan().target().cluster().flatMap(c -> c.uploadProxyUrl());
        if (r.dryRun()) {
            // No cluster asked: one wave (GPU capacity unknown), the plan's upload proxy as written.
            String ns = lp.plan().target().cluster().flatMap(c -> c.namespace()).orElse("default");
            KubernetesExecutor.Submission s = new KubernetesExecutor.Submission(List.of(vms), concurrency,
                    planUrl.map(u -> new CdiUploadSink.PublishedProxy(u, planCa)), r.image(), ns);
            Path file = lp.stateFile(".jobs.yaml");
            AtomicFile.write(file, KubernetesExecutor.yaml(KubernetesExecutor.objects(p, s)));
            return new ScaledOut(p, vms, Optional.of(file), List.of(), ns, s);
        }
        try (ClusterTarget c = PlanTargets.cluster(lp)) {
            List<List<String>> waves = PlanRunner.waves(selected, c, lp.plan().options().start());
            Optional<CdiUploadSink.PublishedProxy> published = CdiUploadSink.publishedProxy(c.client());
            Optional<CdiUploadSink.PublishedProxy> proxy = planUrl.map(u -> new CdiUploadSink.PublishedProxy(u,
                    planCa.or(() -> published.flatMap(CdiUploadSink.PublishedProxy::caPem))))
                    .or(() -> published.map(pp -> new CdiUploadSink.PublishedProxy(pp.url(), planCa.or(pp::caPem))));
            KubernetesExecutor.Submission s = new KubernetesExecutor.Submission(waves, concurrency, proxy, r.image(),
                    c.namespace());
            List<HasMetadata> objects = KubernetesExecutor.objects(p, s);
            return new ScaledOut(p, vms, Optional.empty(), KubernetesExecutor.create(c.client(), objects),
                    c.namespace(), s);
        }
    }

    /** The source's power control, when it has one, closed with the run. */
    private static final class OptionalPower implements AutoCloseable {
        final Optional<PowerControl> power;

        OptionalPower(Optional<PowerControl> power) {
            this.power = power;
        }

        @Override
        public void close() {
            power.ifPresent(PowerControl::close);
        }
    }
}
