package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.disk.DiskLocation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The one way to open a disk's bytes: a typed {@link DiskLocation} (recorded by the inventory, carried by the
 * migration unit, or parsed from a command line by {@link SourceSpec}) becomes an {@link ImageSource}.
 */
public final class ImageSources {
    /**
     * What opening a location may need besides the location itself.
     *
     * @param ovirt an engine session for the engine at this API URL (logged in lazily, once), for oVirt disks
     * @param rawQcow2 read local qcow2 images as raw in Java ({@link Qcow2RawSource}): for a directory target on a
     *     machine without {@code qemu-img}; asked only when a qcow2 image is opened (finding out may start a process)
     * @param scratch a directory for a sparse temporary copy when a location cannot be streamed (a qcow2 member of
     *     a gzip OVA); the target's own directory, so the free-space check is about the disk that fills up
     * @param rawWhereReadable read a local qcow2 image as raw in Java when the reader can read every cluster of it
     *     ({@link Qcow2RawSource#openIfReadable}), else take its stored bytes: for a cluster target, where raw
     *     content crosses the wire compressed with its holes skipped and CDI writes it straight to the volume, while
     *     qcow2 goes whole and CDI converts it on a scratch volume
     */
    public record Context(Function<URI, OvirtEngine> ovirt, BooleanSupplier rawQcow2, Optional<Path> scratch,
            boolean rawWhereReadable) {
        public static final Context DEFAULT = new Context(uri -> {
            throw KvMigrateException.invalidInput("oVirt disk on " + uri.getHost() + " needs an oVirt engine"
                    + " session: give --ovirt URL --ovirt-user USER --ovirt-password-file FILE", null);
        }, () -> false, Optional.empty(), false);

        public Context {
            Objects.requireNonNull(ovirt, "ovirt");
            Objects.requireNonNull(rawQcow2, "rawQcow2");
            scratch = Objects.requireNonNullElse(scratch, Optional.empty());
        }

        public Context withRawQcow2(BooleanSupplier raw) {
            return new Context(ovirt, raw, scratch, rawWhereReadable);
        }

        public Context withScratch(Path dir) {
            return new Context(ovirt, rawQcow2, Optional.of(dir), rawWhereReadable);
        }

        public Context withOvirt(Function<URI, OvirtEngine> engines) {
            return new Context(engines, rawQcow2, scratch, rawWhereReadable);
        }

        /** The same, reading local qcow2 images as raw where the Java reader reads every cluster (see above). */
        public Context withRawWhereReadable() {
            return new Context(ovirt, rawQcow2, scratch, true);
        }
    }

    private ImageSources() {}

    public static ImageSource open(DiskLocation location, Context context) {
        if (location instanceof DiskLocation.LocalFile f) {
            if (isQcow2(f.path())) {
                if (context.rawQcow2().getAsBoolean()) {
                    return Qcow2RawSource.open(f.path());
                }
                if (context.rawWhereReadable()) {
                    Optional<Qcow2RawSource> raw = Qcow2RawSource.openIfReadable(f.path());
                    if (raw.isPresent()) {
                        return raw.get();
                    }
                }
            }
            return new LocalFileSource(f.path());
        }
        if (location instanceof DiskLocation.OvaMember m) {
            // plain tar: read in place; gzip'd tar (by its bytes, whatever the name): streamed, scratch copy on demand
            return OvaArchive.member(m.ova(), m.member(), context.scratch());
        }
        if (location instanceof DiskLocation.OvirtDisk d) {
            return ImageioSource.start(context.ovirt().apply(d.engine()), d.diskId());
        }
        if (location instanceof DiskLocation.LibvirtVolume v) {
            return LibvirtVolumeSource.open(LibvirtVolumeHandle.byName(v.uri(), v.pool(), v.volume()),
                    guestRaw(context));
        }
        if (location instanceof DiskLocation.LibvirtFile f) {
            // no pool volume: the covering pool's, else one of a transient pool (see LibvirtVolumeHandle)
            return LibvirtVolumeSource.open(LibvirtVolumeHandle.byPath(f.uri(), f.path()), guestRaw(context));
        }
        if (location instanceof DiskLocation.Url u) {
            HttpUrl url = HttpUrl.get(u.url().toString());
            OkHttpClient client = new OkHttpClient.Builder()
                    .readTimeout(Duration.ofMinutes(5))
                    .connectTimeout(Duration.ofSeconds(30))
                    .build();
            return new HttpSource(url, client);
        }
        throw new IllegalStateException("unknown disk location " + location);
    }

    /**
     * Whether a libvirt qcow2 volume is read as raw in Java: for a directory target (the one that gets a scratch
     * directory) or when asked; a cluster target gets the stored qcow2 bytes, which CDI converts.
     */
    private static boolean guestRaw(Context context) {
        return context.scratch().isPresent() || context.rawQcow2().getAsBoolean();
    }

    private static boolean isQcow2(Path f) {
        if (!Files.isRegularFile(f)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(f)) {
            byte[] m = in.readNBytes(4);
            return m.length == 4 && m[0] == 'Q' && m[1] == 'F' && m[2] == 'I' && (m[3] & 0xff) == 0xfb;
        } catch (IOException e) {
            return false;
        }
    }
}
