package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.io.BulkInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StorageVol;
import org.libvirt.Stream;

/**
 * A libvirt storage volume, streamed with libvirt's own volume download ({@code virStorageVolDownload} through
 * libvirt-java): works over any URI libvirt reaches (qemu+ssh://…) without copying files around first.
 * The stored bytes come as they are (a qcow2 volume streams as qcow2).
 */
public final class LibvirtVolumeSource implements FinishingSource {
    private static final Pattern FORMAT = Pattern.compile("<format\\s+type=['\"](\\w+)['\"]");

    private final String uri;
    private final String pool;
    private final String volume;
    private final Connect conn;
    private final StorageVol vol;
    private final OptionalLong length;

    /** Opens {@code uri} and finds volume {@code volume} in pool {@code pool}. */
    public LibvirtVolumeSource(String uri, String pool, String volume) {
        this.uri = uri;
        this.pool = pool;
        this.volume = volume;
        try {
            // read-write: libvirt refuses virStorageVolDownload on a read-only connection
            this.conn = new Connect(uri, false);
        } catch (LibvirtException e) {
            throw KvMigrateException.sourceUnreachable("libvirt " + uri + " is not reachable: " + e.getMessage()
                    + "; check the URI and libvirt's authentication", e);
        }
        try {
            this.vol = conn.storagePoolLookupByName(pool).storageVolLookupByName(volume);
            Matcher m = FORMAT.matcher(vol.getXMLDesc(0));
            boolean raw = !m.find() || m.group(1).equals("raw");
            // A raw volume's stored bytes are its capacity; other formats store fewer or more.
            this.length = raw ? OptionalLong.of(vol.getInfo().capacity) : OptionalLong.empty();
        } catch (LibvirtException e) {
            closeQuietly();
            throw KvMigrateException.invalidInput("libvirt " + uri + ": no volume " + volume + " in pool " + pool
                    + " (" + e.getMessage() + "); list them with 'virsh vol-list " + pool + "'", e);
        }
    }

    @Override
    public String name() {
        return "libvirt:" + uri + "#" + pool + "/" + volume;
    }

    @Override
    public String diskName() {
        return DiskNames.fromFileName(volume);
    }

    @Override
    public OptionalLong length() {
        return length;
    }

    @Override
    public InputStream open() throws IOException {
        Stream stream;
        try {
            stream = conn.streamNew(0);
            vol.download(stream, 0, 0, 0);
        } catch (LibvirtException e) {
            throw KvMigrateException.sourceUnreachable("libvirt " + uri + ": cannot download volume " + pool + "/"
                    + volume + ": " + e.getMessage() + "; the connection's driver must support volume download"
                    + " (qemu:///system does; copy the file and import it locally otherwise)", e);
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

    @Override
    public void finish(boolean succeeded) {
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            conn.close();
        } catch (LibvirtException e) {
            // closing a connection that failed: nothing left to release
        }
    }
}
