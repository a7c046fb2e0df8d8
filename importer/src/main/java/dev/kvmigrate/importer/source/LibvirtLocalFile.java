package dev.kvmigrate.importer.source;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A volume of a libvirt daemon on this machine is read in place, as a local image is (holes found by the filesystem,
 * no stream): the daemon's volume download relays every byte through its I/O helper and its event loop, which on a
 * 2-CPU machine runs at a third of the speed of reading the file (measured in {@code bench/libvirt}). virt-v2v reads
 * a local libvirt guest's disks by path the same way.
 *
 * <p>The file is used only when all of these hold, else the volume is streamed as before:
 * <ul>
 *   <li>the URI names no host and a local transport ({@code qemu:///system}, {@code qemu:///session},
 *       {@code qemu+unix:///system}); never {@code test:///} (its paths are made up);
 *   <li>the volume's path ({@code virStorageVolGetPath}) is a regular file this process can read, of the volume's
 *       stored size (a raw volume's capacity, another format's physical size);
 *   <li>its first, middle and last 64 KiB equal a ranged download of the same bytes: a daemon in another mount
 *       namespace (a container) can see another file at the same path, and then the stream is the truth.
 * </ul>
 * {@code -Dkvmigrate.libvirt.local=false} turns it off (the stream always).
 */
final class LibvirtLocalFile {
    private static final Logger LOG = LoggerFactory.getLogger(LibvirtLocalFile.class);

    /** {@code false}: never read a local daemon's file in place. */
    static final String PROPERTY = "kvmigrate.libvirt.local";
    static final int SAMPLE = 64 * 1024;
    private static final Set<String> LOCAL_SCHEMES = Set.of("qemu", "qemu+unix");

    private LibvirtLocalFile() {}

    /** The file to read {@code h}'s volume from, when this machine holds it and it is the volume's file. */
    static Optional<Path> of(LibvirtVolumeHandle h) {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true")) || !isLocal(h.uri)) {
            return Optional.empty();
        }
        long stored;
        if (h.raw()) {
            stored = h.capacity;
        } else if (h.physical.isPresent()) {
            stored = h.physical.get();
        } else {
            return Optional.empty();
        }
        Path file;
        try {
            String path = h.vol.getPath();
            if (path == null || !path.startsWith("/")) {
                return Optional.empty();
            }
            file = Path.of(path);
            if (!Files.isRegularFile(file) || !Files.isReadable(file) || Files.size(file) != stored) {
                return Optional.empty();
            }
            if (!sameBytes(h, file, stored)) {
                LOG.debug("{}: the local file {} differs from the daemon's volume; streaming it", h.describe, file);
                return Optional.empty();
            }
        } catch (LibvirtException | IOException | RuntimeException e) {
            LOG.debug("{}: not read in place ({}); streaming it", h.describe, e.getMessage());
            return Optional.empty();
        }
        LOG.debug("{}: the daemon is local, reading {} in place", h.describe, file);
        return Optional.of(file);
    }

    /** Whether {@code uri} reaches a daemon on this machine. */
    static boolean isLocal(String uri) {
        try {
            URI u = new URI(uri);
            return u.getScheme() != null && LOCAL_SCHEMES.contains(u.getScheme().toLowerCase(Locale.ROOT))
                    && (u.getHost() == null || u.getHost().isEmpty()) && u.getRawAuthority() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    static boolean sameBytes(LibvirtVolumeHandle h, Path file, long stored) throws IOException {
        if (stored == 0) {
            return true;
        }
        long[] offsets = {0, Math.max(0, stored / 2 - SAMPLE / 2), Math.max(0, stored - SAMPLE)};
        try (FileChannel ch = FileChannel.open(file)) {
            for (long off : offsets) {
                int len = (int) Math.min(SAMPLE, stored - off);
                byte[] streamed = LibvirtVolumeChannel.range(h, off, len);
                ByteBuffer local = ByteBuffer.allocate(len);
                while (local.hasRemaining()) {
                    if (ch.read(local, off + local.position()) < 0) {
                        return false;
                    }
                }
                if (!Arrays.equals(streamed, local.array())) {
                    return false;
                }
            }
        }
        return true;
    }
}
