package dev.kvmigrate.plans.example;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes example disk images in Java, for machines without {@code qemu-img}: sparse raw, and qcow2 version 2
 * (64 KiB clusters, no backing file, no compression, refcount 1 for every cluster; layout: header, L1 table,
 * refcount table, one refcount block, L2 tables, data clusters — QEMU's docs/interop/qcow2.txt).
 */
public final class ImageWriters {
    private static final int CLUSTER_BITS = 16;
    private static final int CLUSTER = 1 << CLUSTER_BITS;
    private static final int L2_ENTRIES = CLUSTER / 8;
    private static final long COPIED = 1L << 63;

    private ImageWriters() {}

    public static void raw(DiskContent c, Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(0);
            f.setLength(c.virtualSize());
            for (Map.Entry<Long, byte[]> e : c.regions().entrySet()) {
                f.seek(e.getKey());
                f.write(e.getValue());
            }
        }
    }

    public static void qcow2(DiskContent c, Path file) throws IOException {
        long l2Span = (long) L2_ENTRIES * CLUSTER;
        int l1Size = (int) ((c.virtualSize() + l2Span - 1) / l2Span);
        // Guest clusters holding data, in order.
        List<Long> dataClusters = new ArrayList<>();
        for (Map.Entry<Long, byte[]> e : c.regions().entrySet()) {
            for (int off = 0; off < e.getValue().length; off += CLUSTER) {
                if (!isZero(e.getValue(), off, CLUSTER)) {
                    dataClusters.add((e.getKey() + off) / CLUSTER);
                }
            }
        }
        long l1At = CLUSTER;
        long refTableAt = 2L * CLUSTER;
        long refBlockAt = 3L * CLUSTER;
        long l2At = 4L * CLUSTER;
        long dataAt = l2At + (long) l1Size * CLUSTER;
        long clusters = dataAt / CLUSTER + dataClusters.size();
        if (clusters > CLUSTER / 2 || l1Size * 8 > CLUSTER) {
            throw new IllegalArgumentException("disk " + c.name() + " is too large for the example qcow2 writer");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer h = ByteBuffer.allocate(72);
            h.putInt(0x514649fb).putInt(2).putLong(0).putInt(0).putInt(CLUSTER_BITS).putLong(c.virtualSize())
                    .putInt(0).putInt(l1Size).putLong(l1At).putLong(refTableAt).putInt(1).putInt(0).putLong(0);
            write(ch, h.flip(), 0);
            ByteBuffer l1 = ByteBuffer.allocate(l1Size * 8);
            for (int i = 0; i < l1Size; i++) {
                l1.putLong((l2At + (long) i * CLUSTER) | COPIED);
            }
            write(ch, l1.flip(), l1At);
            write(ch, ByteBuffer.allocate(8).putLong(0, refBlockAt), refTableAt);
            ByteBuffer refs = ByteBuffer.allocate((int) clusters * 2);
            for (int i = 0; i < clusters; i++) {
                refs.putShort((short) 1);
            }
            write(ch, refs.flip(), refBlockAt);
            long[][] l2 = new long[l1Size][L2_ENTRIES];
            for (int i = 0; i < dataClusters.size(); i++) {
                long g = dataClusters.get(i);
                long host = dataAt + (long) i * CLUSTER;
                l2[(int) (g / L2_ENTRIES)][(int) (g % L2_ENTRIES)] = host | COPIED;
                write(ch, ByteBuffer.wrap(slice(c, g * CLUSTER)), host);
            }
            for (int t = 0; t < l1Size; t++) {
                ByteBuffer b = ByteBuffer.allocate(CLUSTER);
                Arrays.stream(l2[t]).forEach(b::putLong);
                write(ch, b.flip(), l2At + (long) t * CLUSTER);
            }
            ch.force(true);
        }
    }

    private static byte[] slice(DiskContent c, long offset) {
        long start = c.regions().headMap(offset + 1).lastKey();
        int at = (int) (offset - start);
        return Arrays.copyOfRange(c.regions().get(start), at, at + CLUSTER);
    }

    private static boolean isZero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static void write(FileChannel ch, ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }
}
