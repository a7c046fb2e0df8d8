package dev.kvmigrate.testing.ovirt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One image disk of the stand-in engine: the file a test made (raw or qcow2), its guest-visible bytes as a raw
 * file (a qcow2 is converted once with {@code qemu-img convert}), and its extents as ovirt-imageio reports them —
 * qemu's block status ({@code qemu-img map}), so holes and zero clusters are zero extents and everything allocated
 * is data.
 */
final class StandInDisk {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 256 * 1024;

    /** An extent as imageio lists it: {@code {"start", "length", "zero", "hole"}}. */
    record Extent(long start, long length, boolean zero, boolean hole) {
        long end() {
            return start + length;
        }
    }

    final String id;
    final String alias;
    /** What the engine reports as the disk's format: {@code cow} (qcow2) or {@code raw}. */
    final String format;
    final long virtualSize;
    final long actualSize;
    final List<Extent> extents;
    private final Path raw;
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong zeroServed = new AtomicLong();

    private StandInDisk(String id, String alias, String format, long virtualSize, long actualSize,
            List<Extent> extents, Path raw) {
        this.id = id;
        this.alias = alias;
        this.format = format;
        this.virtualSize = virtualSize;
        this.actualSize = actualSize;
        this.extents = List.copyOf(extents);
        this.raw = raw;
    }

    static StandInDisk of(String id, String alias, Path image, Path workDir) throws IOException {
        JsonNode info = JSON.readTree(run("qemu-img", "info", "--output=json", image.toString()));
        String fmt = info.path("format").asText();
        if (!fmt.equals("raw") && !fmt.equals("qcow2")) {
            throw new IOException(image + " is " + fmt + "; the stand-in serves raw and qcow2 images only");
        }
        if (info.has("backing-filename")) {
            throw new IOException(image + " has a backing file; give the stand-in a self-contained image");
        }
        Path raw = image;
        if (fmt.equals("qcow2")) {
            raw = workDir.resolve("disk-" + id + ".raw");
            Files.deleteIfExists(raw);
            run("qemu-img", "convert", "-q", "-f", "qcow2", "-O", "raw", image.toString(), raw.toString());
        }
        List<Extent> extents = new ArrayList<>();
        for (JsonNode m : JSON.readTree(run("qemu-img", "map", "--output=json", "-f", fmt, image.toString()))) {
            Extent e = new Extent(m.path("start").asLong(), m.path("length").asLong(), m.path("zero").asBoolean(),
                    !m.path("data").asBoolean());
            Extent last = extents.isEmpty() ? null : extents.get(extents.size() - 1);
            if (last != null && last.end() == e.start() && last.zero() == e.zero() && last.hole() == e.hole()) {
                extents.set(extents.size() - 1, new Extent(last.start(), last.length() + e.length(), e.zero(),
                        e.hole()));
            } else {
                extents.add(e);
            }
        }
        return new StandInDisk(id, alias, fmt.equals("qcow2") ? "cow" : "raw", info.path("virtual-size").asLong(),
                info.path("actual-size").asLong(), extents, raw);
    }

    /** Bytes of the data (non-zero) extents: what a client that skips zeros fetches. */
    long dataBytes() {
        return extents.stream().filter(e -> !e.zero()).mapToLong(Extent::length).sum();
    }

    long served() {
        return served.get();
    }

    long zeroServed() {
        return zeroServed.get();
    }

    /** Writes {@code [offset, offset + length)} of the guest-visible bytes, counting them as they pass. */
    void copy(long offset, long length, OutputStream out) throws IOException {
        for (Extent e : extents) {
            long overlap = Math.min(e.end(), offset + length) - Math.max(e.start(), offset);
            if (e.zero() && overlap > 0) {
                zeroServed.addAndGet(overlap);
            }
        }
        byte[] buf = new byte[CHUNK];
        try (FileChannel ch = FileChannel.open(raw)) {
            long at = offset;
            long end = offset + length;
            while (at < end) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, (int) Math.min(CHUNK, end - at));
                int n = ch.read(bb, at);
                if (n < 0) {
                    // a raw file shorter than its virtual size: the rest reads as zeros
                    n = bb.remaining();
                    java.util.Arrays.fill(buf, 0, n, (byte) 0);
                }
                out.write(buf, 0, n);
                served.addAndGet(n);
                at += n;
            }
        }
    }

    private static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
        return out;
    }
}
