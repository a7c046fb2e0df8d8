package dev.kvmigrate.common.disk;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a disk's bytes are, as a typed value: the inventory records it for each disk, the converter carries it in
 * the migration unit, the importer opens it ({@code ImageSources.open}). Never parsed back from a string.
 */
public sealed interface DiskLocation {
    /** For messages and results; never holds a secret. */
    String describe();

    /** A local image file (a libvirt disk on this host, an unpacked OVA folder's file, an XML dump's disk). */
    record LocalFile(Path path) implements DiskLocation {
        public LocalFile {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String describe() {
            return path.toString();
        }
    }

    /**
     * A member of an OVA archive (plain or gzip-compressed tar), matched by its exact name, never resolved as a
     * path.
     */
    record OvaMember(Path ova, String member) implements DiskLocation {
        public OvaMember {
            Objects.requireNonNull(ova, "ova");
            Objects.requireNonNull(member, "member");
        }

        @Override
        public String describe() {
            return ova + "#" + member;
        }
    }

    /** An oVirt/RHV image disk, downloaded through an image transfer (ovirt-imageio) of the engine. */
    record OvirtDisk(URI engine, String diskId) implements DiskLocation {
        public OvirtDisk {
            Objects.requireNonNull(engine, "engine");
            Objects.requireNonNull(diskId, "diskId");
        }

        @Override
        public String describe() {
            return "oVirt disk " + diskId + " on " + engine.getHost();
        }
    }

    /** A libvirt storage-pool volume, read through the daemon's volume download stream. */
    record LibvirtVolume(String uri, String pool, String volume) implements DiskLocation {
        public LibvirtVolume {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(pool, "pool");
            Objects.requireNonNull(volume, "volume");
        }

        @Override
        public String describe() {
            return uri + "#" + pool + "/" + volume;
        }
    }

    /**
     * A file on a (usually remote) libvirt host that is no storage-pool volume: read through the daemon, by the
     * pool that covers it or a transient directory pool made for the import (see the importer's
     * {@code LibvirtFileSource}).
     */
    record LibvirtFile(String uri, String path) implements DiskLocation {
        public LibvirtFile {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("not an absolute path: " + path);
            }
        }

        @Override
        public String describe() {
            return uri + "#" + path;
        }
    }

    /** An image served over HTTP(S). */
    record Url(URI url) implements DiskLocation {
        public Url {
            Objects.requireNonNull(url, "url");
            if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
                throw new IllegalArgumentException("not an http(s) URL: " + url);
            }
        }

        @Override
        public String describe() {
            // user info (credentials) never appears in messages
            return url.getUserInfo() == null ? url.toString() : url.toString().replace(url.getRawUserInfo() + "@", "");
        }
    }
}
