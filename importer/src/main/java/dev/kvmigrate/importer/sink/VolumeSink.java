package dev.kvmigrate.importer.sink;

import dev.kvmigrate.importer.ImportResult;
import dev.kvmigrate.importer.ProgressListener;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.transfer.InspectedImage;

/** Where an image's bytes end up as a volume: a CDI-populated PVC, or a raw file in a directory. */
public interface VolumeSink {
    /** The target as shown to people, e.g. {@code dv/default/disk0} or {@code dir:/out/disk0.img}. */
    String target();

    /**
     * Writes the image into the volume, retrying transient failures per {@code settings}; returns only when the
     * volume verifiably holds the image.
     *
     * @throws dev.kvmigrate.common.KvMigrateException naming the volume and the fix when it cannot
     */
    ImportResult write(String disk, InspectedImage image, TransferSettings settings, ProgressListener listener);
}
