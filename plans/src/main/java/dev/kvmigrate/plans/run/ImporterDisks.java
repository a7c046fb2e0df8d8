package dev.kvmigrate.plans.run;

import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.ImportResult;
import dev.kvmigrate.importer.Progress;
import dev.kvmigrate.importer.ProgressListener;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.sink.VolumeSink;
import dev.kvmigrate.importer.source.ImageSource;
import dev.kvmigrate.importer.source.ImageSources;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Disk imports through the importer: the disk's typed location (from the migration unit) opened by
 * {@link ImageSources}, into the sink the target makes for the DataVolume, under the plan's shared transfer
 * settings (one rate limiter for the whole run).
 */
public final class ImporterDisks implements DiskImporter {
    private static final Logger LOG = LoggerFactory.getLogger(ImporterDisks.class);
    private final Function<DiskWork, ImageSource> sources;
    private final Function<DiskWork, VolumeSink> sinks;
    private final Predicate<DiskWork> present;
    private final TransferSettings settings;
    private final AutoCloseable resources;

    /**
     * @param sources where a disk's bytes come from
     * @param sinks the volume sink for a disk
     * @param present whether the target still holds a finished volume for the disk
     */
    public ImporterDisks(ImageSources.Context sources, Function<DiskWork, VolumeSink> sinks,
            Predicate<DiskWork> present, TransferSettings settings) {
        this(d -> ImageSources.open(d.transfer().location().orElseThrow(() -> new IllegalStateException(
                "DataVolume " + d.dataVolume() + " has nothing to import")), sources), sinks, present, settings);
    }

    /**
     * @param sources where a disk's bytes come from
     * @param sinks the volume sink for a disk
     * @param present whether the target still holds a finished volume for the disk
     */
    public ImporterDisks(Function<DiskWork, ImageSource> sources, Function<DiskWork, VolumeSink> sinks,
            Predicate<DiskWork> present, TransferSettings settings) {
        this(sources, sinks, present, settings, () -> { });
    }

    private ImporterDisks(Function<DiskWork, ImageSource> sources, Function<DiskWork, VolumeSink> sinks,
            Predicate<DiskWork> present, TransferSettings settings, AutoCloseable resources) {
        this.sources = sources;
        this.sinks = sinks;
        this.present = present;
        this.settings = settings;
        this.resources = resources;
    }

    /** This importer, closing {@code resources} (what its sources opened for the run) when it is closed. */
    public ImporterDisks closing(AutoCloseable resources) {
        return new ImporterDisks(sources, sinks, present, settings, resources);
    }

    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            LOG.warn("closing the run's source sessions failed: {}", e.getMessage());
        }
    }

    @Override
    public boolean holds(DiskWork disk, String digest) {
        return !digest.isEmpty() && present.test(disk);
    }

    @Override
    public DiskResult importDisk(DiskWork disk, DiskProgress progress) {
        ProgressListener listener = new ProgressListener() {
            @Override
            public void progress(Progress p) {
                progress.bytes(p.done(), p.total() < 0 ? disk.virtualSize() : p.total(), p.wireBytes(),
                        p.bytesPerSecond());
            }
        };
        ImportResult r = Importer.run(new Importer.Job(disk.dataVolume(), sources.apply(disk), sinks.apply(disk)),
                settings, listener);
        return new DiskResult(r.digest().isEmpty() ? "present:" + r.target() : r.digest(), r.contentBytes(),
                r.wireBytes(), r.seconds());
    }
}
