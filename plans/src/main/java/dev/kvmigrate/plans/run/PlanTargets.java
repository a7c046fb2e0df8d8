package dev.kvmigrate.plans.run;

import dev.kvmigrate.converter.validate.ClusterProbe;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.sink.CdiTarget;
import dev.kvmigrate.importer.sink.CdiUploadSink;
import dev.kvmigrate.importer.sink.DirectorySink;
import dev.kvmigrate.importer.source.ImageSources;
import dev.kvmigrate.importer.transfer.Compress;
import dev.kvmigrate.importer.transfer.RateLimiter;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.MigrationPlan;
import dev.kvmigrate.plans.model.PlanTarget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** Opens the target a plan names, with disk imports wired to the importer under the plan's transfer options. */
public final class PlanTargets {
    private PlanTargets() {}

    /** The transfer settings of a plan: compression and the one bandwidth cap shared by every disk. */
    public static TransferSettings transfer(MigrationPlan plan) {
        TransferSettings s = TransferSettings.defaults();
        s = s.withCompress(Compress.valueOf(plan.options().compression().orElse("auto").toUpperCase(Locale.ROOT)));
        if (plan.options().bandwidth().isPresent()) {
            s = s.withLimiter(RateLimiter.of(dev.kvmigrate.common.Quantities.bytesPerSecond(plan.options().bandwidth().get(), "options.bandwidth")));
        }
        return s;
    }

    public static DirectoryTarget directory(LoadedPlan lp) {
        return directory(lp, DirectorySink::qemuImgInstalled);
    }

    /**
     * A directory target. Without {@code qemu-img} (which the directory sink uses to turn qcow2 into raw), local
     * qcow2 images are read as raw in Java ({@link dev.kvmigrate.importer.source.Qcow2RawSource}). A disk that
     * cannot be streamed (a qcow2 inside a gzip OVA) goes through a sparse temporary file in the disks directory.
     * {@code qemuImg} is asked only when a qcow2 image is opened.
     */
    public static DirectoryTarget directory(LoadedPlan lp, BooleanSupplier qemuImg) {
        Path dir = lp.targetDir();
        Path disks = DirectoryTarget.disksDir(dir);
        OvirtEngines engines = new OvirtEngines(lp);
        ImageSources.Context sources = sources(engines).withRawQcow2(() -> !qemuImg.getAsBoolean())
                .withScratch(disks);
        ImporterDisks importer = new ImporterDisks(sources, d -> new DirectorySink(disks, d.dataVolume()),
                d -> Files.isRegularFile(new DirectorySink(disks, d.dataVolume()).file()), transfer(lp.plan()))
                .closing(engines);
        return new DirectoryTarget(dir, lp.plan().name(), importer);
    }

    /** How the plan's disks are opened: oVirt disks through one session with the plan's engine. */
    private static ImageSources.Context sources(OvirtEngines engines) {
        return ImageSources.Context.DEFAULT.withOvirt(engines);
    }

    /** A cluster target from the plan's kubeconfig/context (or KUBECONFIG and the current context). */
    public static ClusterTarget cluster(LoadedPlan lp) {
        PlanTarget.Cluster c = lp.plan().target().cluster().orElseThrow();
        KubernetesClient client = ClusterProbe.connect(c.kubeconfig().map(k -> lp.resolve(k).toFile()), c.context());
        return cluster(lp, client);
    }

    /** A cluster target on an existing client (tests hand in the stand-in's). */
    public static ClusterTarget cluster(LoadedPlan lp, KubernetesClient client) {
        PlanTarget.Cluster c = lp.plan().target().cluster().orElseThrow();
        String ns = c.namespace().orElse(client.getNamespace() == null ? "default" : client.getNamespace());
        ClusterTarget[] self = new ClusterTarget[1];
        OvirtEngines engines = new OvirtEngines(lp);
        // a local qcow2 the Java reader reads whole goes as raw content: compressed, holes skipped, no scratch volume
        // (not with compression: none, where its raw bytes would be more than the file)
        TransferSettings settings = transfer(lp.plan());
        ImageSources.Context sources = settings.compress() == Compress.NONE ? sources(engines)
                : sources(engines).withRawWhereReadable();
        ImporterDisks importer = new ImporterDisks(sources, d -> {
            CdiTarget t = CdiTarget.dataVolume(d.manifest().namespace().orElse(ns), d.dataVolume())
                    .withCreate(false);
            CdiTarget proxied = c.uploadProxyUrl().map(t::withProxyUrl).orElse(t);
            return new CdiUploadSink(client, c.uploadProxyCaFile().map(ca -> proxied.withTls(Optional.of(lp.resolve(
                    ca)), false)).orElse(proxied));
        }, d -> self[0].dataVolumeSucceeded(d.manifest().namespace().orElse(ns), d.dataVolume()),
                settings).closing(engines);
        self[0] = new ClusterTarget(client, ns, lp.plan().name(), importer);
        return self[0];
    }

    /** The plan's target: a directory or a cluster. */
    public static Target open(LoadedPlan lp) {
        return lp.plan().target().isDir() ? directory(lp) : cluster(lp);
    }

}
