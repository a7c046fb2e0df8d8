package dev.kvmigrate.importer.standin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Real disk images for tests and the bench: sparse raw files with random data, converted with qemu-img. */
public final class TestImages {
    private TestImages() {}

    /**
     * A sparse raw image of {@code size} bytes where about {@code dataFraction} of the 1 MiB chunks hold random
     * data (seeded, so reproducible); the rest are holes.
     */
    public static Path sparseRaw(Path file, long size, double dataFraction, long seed) throws IOException {
        Random rnd = new Random(seed);
        byte[] chunk = new byte[1024 * 1024];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long at = 0; at < size; at += chunk.length) {
                if (rnd.nextDouble() < dataFraction) {
                    rnd.nextBytes(chunk);
                    // a zero 64 KiB block inside data, allocated: exercises zero scanning
                    java.util.Arrays.fill(chunk, 128 * 1024, 192 * 1024, (byte) 0);
                    int n = (int) Math.min(chunk.length, size - at);
                    ch.write(ByteBuffer.wrap(chunk, 0, n), at);
                }
            }
        }
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
        return file;
    }

    /** {@code qemu-img convert -O FORMAT}. */
    public static Path convert(Path raw, String format, Path out) throws IOException {
        run("qemu-img", "convert", "-q", "-f", "raw", "-O", format, raw.toString(), out.toString());
        return out;
    }

    /** gzip of a file. */
    public static Path gzip(Path in, Path out) throws IOException {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(out), 1 << 16)) {
            Files.copy(in, o);
        }
        return out;
    }

    /** An OVA: a tar holding a small OVF descriptor and the given disks, under their file names. */
    public static Path ova(Path out, Path... disks) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(out))) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            byte[] ovf = "<?xml version=\"1.0\"?><Envelope/>".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry d = new TarArchiveEntry("vm.ovf");
            d.setSize(ovf.length);
            tar.putArchiveEntry(d);
            tar.write(ovf);
            tar.closeArchiveEntry();
            for (Path disk : disks) {
                TarArchiveEntry e = new TarArchiveEntry(disk.getFileName().toString());
                e.setSize(Files.size(disk));
                tar.putArchiveEntry(e);
                Files.copy(disk, tar);
                tar.closeArchiveEntry();
            }
        }
        return out;
    }

    /** {@code qemu-img compare}: whether the two images' guest-visible contents are identical. */
    public static boolean identical(Path a, Path b) throws IOException {
        return run("qemu-img", "compare", "-q", a.toString(), b.toString()) == 0;
    }

    /** Bytes the filesystem allocated for a file. */
    public static long allocated(Path file) throws IOException {
        Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        String[] parts = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split(" ");
        return Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
    }

    /** Runs a command; fails on a non-zero exit (except qemu-img compare's 1 = different). */
    public static int run(String... cmd) throws IOException {
        List<String> args = new ArrayList<>(List.of(cmd));
        try {
            Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (rc != 0 && !(rc == 1 && cmd[1].equals("compare"))) {
                throw new IOException(String.join(" ", cmd) + " failed (" + rc + "): " + out);
            }
            return rc;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
