package dev.kvmigrate.importer.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.common.disk.DiskLocation;
import dev.kvmigrate.importer.ImportResult;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.ProgressListener;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.sink.DirectorySink;
import dev.kvmigrate.testing.RealLibvirtd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Shared by the real-daemon volume ITs: everything they make is named {@code kvmit-vol-*} (pools, directories under
 * /var/lib/libvirt/images) and removed again.
 */
final class KvmitVolumes {
    static final Path IMAGES = Path.of("/var/lib/libvirt/images");
    static final long MIB = 1024 * 1024;

    private KvmitVolumes() {}

    /** Runs a command, fails with its output unless it exits 0; returns stdout+stderr. */
    static String sh(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited " + rc + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int rc(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A fresh directory {@code /var/lib/libvirt/images/NAME}; NAME starts with kvmit-vol-. */
    static Path dir(String name) throws IOException {
        assertThat(name).startsWith("kvmit-vol-");
        Path d = IMAGES.resolve(name);
        removeDir(d);
        Files.createDirectories(d);
        return d;
    }

    static void removeDir(Path d) {
        if (d.getFileName().toString().startsWith("kvmit-vol-")) {
            rc("rm", "-rf", "--", d.toString());
        }
    }

    /** A transient dir pool {@code name} on {@code dir} (destroyed = gone). */
    static void createPool(String uri, String name, Path dir) {
        assertThat(name).startsWith("kvmit-vol-");
        destroyPool(uri, name);
        sh("virsh", "-c", uri, "pool-create-as", name, "dir", "--target", dir.toString());
    }

    static void destroyPool(String uri, String name) {
        if (name.startsWith("kvmit-vol-")) {
            rc("virsh", "-c", uri, "pool-destroy", name);
            rc("virsh", "-c", uri, "pool-undefine", name);
        }
    }

    /** Fills an image file into a directory (qemu-img, dd…). */
    interface Filler {
        void fill(Path dir) throws Exception;
    }

    /**
     * A fresh pool directory {@code /var/lib/libvirt/images/NAME}, filled by {@code fill}, with a pool NAME on it on
     * {@code qemu:///system}; both are removed again when either step fails.
     */
    static Path poolWith(String name, Filler fill) throws Exception {
        Path d = dir(name);
        try {
            fill.fill(d);
            createPool(RealLibvirtd.LOCAL, name, d);
            return d;
        } catch (Exception | AssertionError e) {
            dropPool(name, d);
            throw e;
        }
    }

    /** Destroys pool {@code name} and removes its directory ({@code dir} may be null: nothing made yet). */
    static void dropPool(String name, Path dir) {
        destroyPool(RealLibvirtd.LOCAL, name);
        if (dir != null) {
            removeDir(dir);
        }
    }

    static void refreshPool(String uri, String name) {
        sh("virsh", "-c", uri, "pool-refresh", name);
    }

    /** All pool names, active and inactive. */
    static Set<String> pools(String uri) {
        Set<String> out = new TreeSet<>();
        for (String l : sh("virsh", "-c", uri, "pool-list", "--all", "--name").split("\n")) {
            if (!l.isBlank()) {
                out.add(l.trim());
            }
        }
        return out;
    }

    /** Random bytes of {@code mib} MiB written at {@code offset} into {@code file}, in place. */
    static void writeRandom(Path file, long offset, int mib) {
        // seek in 4 KiB blocks: offsets given are multiples of 4 KiB
        sh("dd", "if=/dev/urandom", "of=" + file, "bs=4096", "seek=" + offset / 4096, "count=" + mib * 256,
                "conv=notrunc", "status=none");
    }

    /** A 1 GiB sparse raw file with 64 MiB of random data at four offsets (one not 64 KiB aligned). */
    static void sparseRaw(Path file) {
        sh("qemu-img", "create", "-q", "-f", "raw", file.toString(), "1G");
        writeRandom(file, 0, 16);
        writeRandom(file, 300 * MIB, 16);
        writeRandom(file, 700 * MIB + 12 * 1024, 16);
        writeRandom(file, 1008 * MIB, 16);
    }

    /** A 1 GiB qcow2 of {@link #sparseRaw} plus a zero cluster written by qemu-io. */
    static void qcow2(Path file, Path scratchRaw) throws IOException {
        sparseRaw(scratchRaw);
        sh("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", scratchRaw.toString(), file.toString());
        Files.delete(scratchRaw);
        sh("qemu-io", "-f", "qcow2", "-c", "write -z 300M 1M", file.toString());
        sh("qemu-io", "-f", "qcow2", "-c", "write -P 0x5c 512M 3M", file.toString());
    }

    /**
     * A digest of the file's bytes as stored (BLAKE2b: a third of sha256sum's time on these 1 GiB files), to prove a
     * source left as it was. Two images' guest-visible bytes are compared with {@link #identical} instead: qemu-img
     * compare skips what both have as holes.
     */
    static String fileDigest(Path file) {
        return sh("b2sum", file.toString()).split("\\s+")[0];
    }

    /** Bytes the filesystem allocates for {@code file}. */
    static long allocated(Path file) {
        return Long.parseLong(sh("du", "-B1", "--", file.toString()).split("\\s+")[0]);
    }

    /** qemu-img compare: true when the guest-visible contents are the same. */
    static boolean identical(Path target, Path source, String sourceFormat) {
        return rc("qemu-img", "compare", "-f", "raw", "-F", sourceFormat, target.toString(), source.toString()) == 0;
    }

    record Imported(ImportResult result, LibvirtStreams.Counters counters, Path file, double seconds) {}

    /**
     * Imports {@code location} into {@code out/NAME.img} the way a dir: target does, through the daemon's volume
     * download even when the daemon is local (these tests are about its streams; {@link #importInPlace} is not).
     */
    static Imported importTo(DiskLocation location, Path out, String name) {
        long t0 = System.nanoTime();
        return importSource(open(location, out), out, name, t0);
    }

    /** The same with the product's default: a local daemon's volume read in place from its file. */
    static Imported importInPlace(DiskLocation location, Path out, String name) {
        long t0 = System.nanoTime();
        return importSource(open(location, out, true), out, name, t0);
    }

    /** Opens {@code location} to be read through the daemon's volume download, never in place. */
    static ImageSource open(DiskLocation location, Path out) {
        return open(location, out, false);
    }

    /** Opens {@code location} for a dir: target; {@code inPlace} false: never read a local daemon's file in place. */
    private static ImageSource open(DiskLocation location, Path out, boolean inPlace) {
        if (!inPlace) {
            System.setProperty(LibvirtLocalFile.PROPERTY, "false");
        }
        try {
            ImageSource source = ImageSources.open(location, ImageSources.Context.DEFAULT.withScratch(out));
            assertThat(source).isInstanceOf(LibvirtSource.class);
            return source;
        } finally {
            System.clearProperty(LibvirtLocalFile.PROPERTY);
        }
    }

    static Imported importSource(ImageSource source, Path out, String name, long t0) {
        ImportResult r = Importer.run(new Importer.Job(name, source, new DirectorySink(out, name)),
                TransferSettings.defaults(), ProgressListener.NONE);
        double s = (System.nanoTime() - t0) / 1e9;
        LibvirtStreams.Counters c = ((LibvirtSource) source).counters();
        System.out.printf("%s: %s received %d bytes in %d requests, holes %d, sparse %s, in place %s, %.2f s%n",
                name, source.name(), c.bytesReceived(), c.requests(), c.holeBytes(), c.sparseUsed(), c.localFile(),
                s);
        return new Imported(r, c, out.resolve(name + ".img"), s);
    }

    static List<String> uris() {
        List<String> out = new ArrayList<>();
        out.add(dev.kvmigrate.testing.RealLibvirtd.require());
        out.add(dev.kvmigrate.testing.RealLibvirtd.requireRemote());
        return out;
    }
}
