package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.io.BulkInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.libvirt.LibvirtException;
import org.libvirt.Stream;

/**
 * A libvirt storage volume's stored bytes, streamed with libvirt's own volume download ({@code virStorageVolDownload}
 * through libvirt-java): works over any URI libvirt reaches (qemu+ssh://…) without copying files around first. The
 * stored bytes come as they are (a qcow2 volume streams as qcow2, for a target that converts, as CDI does).
 *
 * <p>{@link #open(LibvirtVolumeHandle, boolean)} picks how a volume is read: a local daemon's volume in place from
 * its file ({@link LibvirtLocalFile}), else a raw volume by a sparse download
 * ({@link LibvirtRawVolumeSource}, holes never cross the wire), a qcow2 volume for a directory target as raw by
 * ranged downloads ({@link LibvirtQcow2VolumeSource}), anything else as stored bytes (this class).
 */
public final class LibvirtVolumeSource extends LibvirtHandleSource {
    /** Opens {@code uri} and finds volume {@code volume} in pool {@code pool}; its stored bytes. */
    public LibvirtVolumeSource(String uri, String pool, String volume) {
        this(LibvirtVolumeHandle.byName(uri, pool, volume));
    }

    LibvirtVolumeSource(LibvirtVolumeHandle h) {
        super(h);
    }

    /**
     * The source for {@code h}'s volume: raw → sparse guest bytes; qcow2 with {@code guestRaw} (a directory target)
     * → its guest's raw bytes read by ranges; else its stored bytes. Closes {@code h} when that fails.
     */
    static LibvirtSource open(LibvirtVolumeHandle h, boolean guestRaw) {
        try {
            Optional<Path> local = LibvirtLocalFile.of(h);
            if (local.isPresent()) {
                Path file = local.get();
                h.counters.localFile = true;
                if (h.qcow2() && guestRaw) {
                    return LibvirtQcow2VolumeSource.open(h, () -> FileChannel.open(file));
                }
                return new LibvirtLocalFileSource(h, file);
            }
            if (h.raw()) {
                return new LibvirtRawVolumeSource(h);
            }
            if (h.qcow2() && guestRaw && h.physical.isPresent()) {
                long physical = h.physical.get();
                return LibvirtQcow2VolumeSource.open(h, () -> new LibvirtVolumeChannel(h, physical));
            }
            return new LibvirtVolumeSource(h);
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
    }

    @Override
    public OptionalLong length() {
        // A raw volume's stored bytes are its capacity; other formats store fewer or more.
        return h.raw() ? OptionalLong.of(h.capacity) : OptionalLong.empty();
    }

    @Override
    public InputStream open() throws IOException {
        return plainStream(h);
    }

    static KvMigrateException refused(LibvirtVolumeHandle h, Exception e) {
        return KvMigrateException.sourceUnreachable("libvirt " + h.uri + ": cannot download volume " + h.describe
                + ": " + e.getMessage() + "; the connection's driver must support volume download"
                + " (qemu:///system does; copy the file and import it locally otherwise)", e);
    }

    /** Every stored byte, holes included, through libvirt-java's stream. */
    static InputStream plainStream(LibvirtVolumeHandle h) throws IOException {
        Stream stream;
        try {
            stream = h.conn.streamNew(0);
            h.vol.download(stream, 0, 0, 0);
            h.counters.requests.incrementAndGet();
        } catch (LibvirtException e) {
            throw refused(h, e);
        }
        return new BulkInputStream() {
            private boolean done;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (done) {
                    return -1;
                }
                try {
                    byte[] chunk = off == 0 && len == b.length ? b : new byte[len];
                    int n = stream.receive(chunk);
                    if (n <= 0) {
                        done = true;
                        stream.finish();
                        return -1;
                    }
                    if (chunk != b) {
                        System.arraycopy(chunk, 0, b, off, n);
                    }
                    h.counters.received.addAndGet(n);
                    return n;
                } catch (LibvirtException e) {
                    throw new IOException("libvirt volume stream broke: " + e.getMessage(), e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    if (!done) {
                        stream.abort();
                    }
                    stream.free();
                } catch (LibvirtException e) {
                    throw new IOException("closing the libvirt stream: " + e.getMessage(), e);
                }
            }
        };
    }
}
