package dev.kvmigrate.importer;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.importer.sink.VolumeSink;
import dev.kvmigrate.importer.source.ImageSource;
import dev.kvmigrate.importer.transfer.InspectedImage;
import dev.kvmigrate.importer.transfer.Inspector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The importer's entry point: moves images from sources into sinks, one or many at a time. */
public final class Importer {
    /**
     * One image into one volume.
     *
     * @param disk the disk's name in progress events and results
     */
    public record Job(String disk, ImageSource source, VolumeSink sink) {
        public Job {
            Objects.requireNonNull(disk, "disk");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(sink, "sink");
        }
    }

    /** A job's end: a result, or the failure that stopped it. */
    public record Outcome(Job job, java.util.Optional<ImportResult> result, java.util.Optional<KvMigrateException> error) {}

    private Importer() {}

    /** Runs one job; throws {@link KvMigrateException} naming the disk and the fix when it fails. */
    public static ImportResult run(Job job, TransferSettings settings, ProgressListener listener) {
        boolean ok = false;
        try {
            listener.phase(job.disk(), Phase.PROBE, job.source().name());
            InspectedImage image = Inspector.inspect(job.source());
            listener.phase(job.disk(), Phase.PROBE, image.format().name().toLowerCase(Locale.ROOT)
                    + (image.compression().name().equals("NONE") ? "" : " in " + image.compression())
                    + image.virtualSize().map(v -> ", virtual size " + v + " bytes").orElse(""));
            ImportResult result = job.sink().write(job.disk(), image, settings, listener);
            ok = true;
            return result;
        } catch (KvMigrateException e) {
            listener.phase(job.disk(), Phase.FAILED, e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            listener.phase(job.disk(), Phase.FAILED, e.toString());
            throw e;
        } finally {
            if (job.source() instanceof dev.kvmigrate.importer.source.FinishingSource f) {
                f.finish(ok);
            }
        }
    }

    /**
     * Runs jobs, {@code parallel} at a time, under the settings' shared rate limit. Every job runs to its end;
     * the outcomes come back in the jobs' order.
     */
    public static List<Outcome> runAll(List<Job> jobs, int parallel, TransferSettings settings,
            ProgressListener listener) {
        if (parallel < 1) {
            throw KvMigrateException.invalidInput("--parallel must be at least 1, got " + parallel, null);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, Math.max(1, jobs.size())), r -> {
            Thread t = new Thread(r, "import");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<ImportResult>> futures = new ArrayList<>();
            for (Job job : jobs) {
                futures.add(pool.submit(() -> run(job, settings, listener)));
            }
            List<Outcome> out = new ArrayList<>();
            for (int i = 0; i < jobs.size(); i++) {
                Job job = jobs.get(i);
                try {
                    out.add(new Outcome(job, java.util.Optional.of(futures.get(i).get()), java.util.Optional.empty()));
                } catch (ExecutionException e) {
                    KvMigrateException k = e.getCause() instanceof KvMigrateException ke ? ke
                            : new KvMigrateException(dev.kvmigrate.common.ExitCode.INTERNAL, "disk " + job.disk()
                                    + ": " + e.getCause(), e.getCause());
                    out.add(new Outcome(job, java.util.Optional.empty(), java.util.Optional.of(k)));
                }
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvMigrateException(dev.kvmigrate.common.ExitCode.INTERRUPTED, "import interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
