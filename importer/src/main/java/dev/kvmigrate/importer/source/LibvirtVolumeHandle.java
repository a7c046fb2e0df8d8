package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.KvMigrateException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open libvirt connection and one storage volume on it, for as long as an import reads it: found by pool and
 * name ({@code libvirt:URI#pool/volume}), or by the path of a file ({@code DiskLocation.LibvirtFile}).
 *
 * <p><b>A file outside any pool</b> (a remote host's {@code /srv/vm/disk.qcow2}): libvirt has no API that reads a
 * path, only pool volumes. {@code virStorageVolLookupByPath} first: when an active pool covers the file, its volume
 * is used. Otherwise a <em>transient</em> directory pool is created on the file's directory
 * ({@code virStoragePoolCreateXML}, named {@code kv-migrate-<random>}, type dir, target the directory; never
 * defined, so libvirt keeps no configuration of it), refreshed, and the file looked up by path in it. Creating a
 * dir pool neither writes nor changes files in the directory. {@link #close} destroys the pool, which makes a
 * transient pool vanish (the files stay as they were): nothing persists on the host. A shutdown hook destroys it
 * too when the JVM is stopped mid-import. Imports in this JVM of files in one directory share the pool (counted),
 * so one import never destroys the pool under another; the last one destroys it.
 */
final class LibvirtVolumeHandle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LibvirtVolumeHandle.class);
    private static final Pattern FORMAT = Pattern.compile("<format\\s+type=['\"](\\w+)['\"]");
    private static final Pattern PHYSICAL = Pattern.compile("<physical(?:\\s+unit=['\"]bytes['\"])?>(\\d+)<");

    final String uri;
    final String describe;
    final String volumeName;
    final Connect conn;
    final StorageVol vol;
    final String format;
    final long capacity;
    /** The stored file's size (qcow2: its host bytes), when libvirt says. */
    final Optional<Long> physical;
    final LibvirtStreams.Counters counters = new LibvirtStreams.Counters();
    /** Transient pools made by this JVM, by URI and directory: imports of files in one directory share one. */
    private static final Map<String, Shared> SHARED = new HashMap<>();

    private static final class Shared {
        final String name;
        int users = 1;

        Shared(String name) {
            this.name = name;
        }
    }

    /** The key in {@link #SHARED} of the transient pool this handle uses. */
    private final Optional<String> transientPool;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread hook;

    private LibvirtVolumeHandle(String uri, String describe, String volumeName, Connect conn, StorageVol vol,
            Optional<String> transientPool) throws LibvirtException {
        this.uri = uri;
        this.describe = describe;
        this.volumeName = volumeName;
        this.conn = conn;
        this.vol = vol;
        this.transientPool = transientPool;
        String xml = vol.getXMLDesc(0);
        Matcher m = FORMAT.matcher(xml);
        this.format = m.find() ? m.group(1) : "raw";
        this.capacity = vol.getInfo().capacity;
        Matcher p = PHYSICAL.matcher(xml);
        this.physical = p.find() ? Optional.of(Long.parseLong(p.group(1))) : Optional.empty();
        this.hook = transientPool.isPresent() ? new Thread(this::close, "libvirt-pool-cleanup") : null;
        if (hook != null) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
    }

    private static Connect connect(String uri) {
        try {
            // read-write: libvirt refuses virStorageVolDownload on a read-only connection
            return new Connect(uri, false);
        } catch (LibvirtException e) {
            throw KvMigrateException.sourceUnreachable("libvirt " + uri + " is not reachable: " + e.getMessage()
                    + "; check the URI and libvirt's authentication", e);
        }
    }

    /** Volume {@code volume} of pool {@code pool}. */
    static LibvirtVolumeHandle byName(String uri, String pool, String volume) {
        Connect conn = connect(uri);
        try {
            StorageVol vol = conn.storagePoolLookupByName(pool).storageVolLookupByName(volume);
            return new LibvirtVolumeHandle(uri, uri + "#" + pool + "/" + volume, volume, conn, vol, Optional.empty());
        } catch (LibvirtException e) {
            closeQuietly(conn);
            throw KvMigrateException.invalidInput("libvirt " + uri + ": no volume " + volume + " in pool " + pool
                    + " (" + e.getMessage() + "); list them with 'virsh vol-list " + pool + "'", e);
        }
    }

    /** The file at {@code path} on {@code uri}'s host: its pool's volume, else through a transient dir pool. */
    static LibvirtVolumeHandle byPath(String uri, String path) {
        Connect conn = connect(uri);
        String name = path.substring(path.lastIndexOf('/') + 1);
        String dir = path.lastIndexOf('/') > 0 ? path.substring(0, path.lastIndexOf('/')) : "/";
        String key = uri + "\n" + dir;
        synchronized (SHARED) {
            Shared mine = null;
            try {
                Optional<StorageVol> covered = lookupByPath(conn, path);
                Shared s = SHARED.get(key);
                if (s != null) {
                    // a transient pool of another import in this JVM covers the directory: share it
                    if (covered.isEmpty()) {
                        conn.storagePoolLookupByName(s.name).refresh(0);
                        covered = lookupByPath(conn, path);
                    }
                    if (covered.isPresent()) {
                        s.users++;
                        return new LibvirtVolumeHandle(uri, uri + "#" + path, name, conn, covered.get(),
                                Optional.of(key));
                    }
                } else if (covered.isPresent()) {
                    return new LibvirtVolumeHandle(uri, uri + "#" + path, name, conn, covered.get(), Optional.empty());
                }
                String poolName = "kv-migrate-" + UUID.randomUUID().toString().substring(0, 12);
                StoragePool pool = conn.storagePoolCreateXML("<pool type='dir'><name>" + poolName
                        + "</name><target><path>" + xmlEscape(dir) + "</path></target></pool>", 0);
                mine = new Shared(poolName);
                LOG.debug("transient pool {} on {}:{} to read {}", poolName, uri, dir, path);
                pool.refresh(0);
                Optional<StorageVol> vol = lookupByPath(conn, path);
                if (vol.isEmpty()) {
                    throw KvMigrateException.invalidInput("libvirt " + uri + ": no file " + name + " in " + dir
                            + " (a storage pool on that directory lists no such volume); check the path", null);
                }
                SHARED.put(key, mine);
                return new LibvirtVolumeHandle(uri, uri + "#" + path, name, conn, vol.get(), Optional.of(key));
            } catch (LibvirtException e) {
                destroyQuietly(conn, mine, uri);
                closeQuietly(conn);
                throw KvMigrateException.invalidInput("libvirt " + uri + ": cannot read file " + path + " ("
                        + e.getMessage() + "); it is read through a transient storage pool on " + dir
                        + ", which needs the file to exist and the directory to be in no inactive pool", e);
            } catch (RuntimeException e) {
                if (!SHARED.containsValue(mine)) {
                    destroyQuietly(conn, mine, uri);
                }
                closeQuietly(conn);
                throw e;
            }
        }
    }

    private static Optional<StorageVol> lookupByPath(Connect conn, String path) {
        try {
            return Optional.of(conn.storageVolLookupByPath(path));
        } catch (LibvirtException e) {
            return Optional.empty();
        }
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;");
    }

    boolean raw() {
        return format.equals("raw");
    }

    boolean qcow2() {
        return format.equals("qcow2");
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        transientPool.ifPresent(key -> {
            synchronized (SHARED) {
                Shared s = SHARED.get(key);
                if (s != null && --s.users == 0) {
                    SHARED.remove(key);
                    destroyQuietly(conn, s, uri);
                }
            }
        });
        closeQuietly(conn);
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                LOG.debug("shutting down; the hook is running");
            }
        }
    }

    private static void destroyQuietly(Connect conn, Shared pool, String uri) {
        if (pool == null) {
            return;
        }
        try {
            StoragePool p = conn.storagePoolLookupByName(pool.name);
            p.destroy();
            p.free();
            LOG.debug("transient pool {} on {} destroyed", pool.name, uri);
        } catch (LibvirtException e) {
            LOG.warn("could not destroy transient storage pool {} on {}: {}; remove it with 'virsh pool-destroy {}'",
                    pool.name, uri, e.getMessage(), pool.name);
        }
    }

    private static void closeQuietly(Connect conn) {
        try {
            conn.close();
        } catch (LibvirtException e) {
            // closing a connection that failed: nothing left to release
        }
    }
}
