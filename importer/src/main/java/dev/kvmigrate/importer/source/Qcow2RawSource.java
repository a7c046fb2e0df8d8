package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * A local qcow2 image read as its guest's raw bytes, in Java: for machines without {@code qemu-img}, where the
 * directory sink cannot convert. Handles qcow2 versions 2 and 3 with plain and all-zero clusters (what
 * {@code qemu-img create/convert} writes by default); refuses, naming {@code qemu-img}, images with a backing file,
 * encryption, compressed clusters, an external data file or extended L2 entries (QEMU's docs/interop/qcow2.txt).
 */
public final class Qcow2RawSource implements ImageSource {
    private static final int MAGIC = 0x514649fb;
    private static final long OFFSET_MASK = 0x00fffffffffffe00L;
    private static final long COMPRESSED = 1L << 62;
    private static final long ZERO_FLAG = 1L;

    private final Path file;
    private final long size;
    private final int clusterBits;
    private final long[] l1;

    private Qcow2RawSource(Path file, long size, int clusterBits, long[] l1) {
        this.file = file;
        this.size = size;
        this.clusterBits = clusterBits;
        this.l1 = l1;
    }

    /** Reads the header and L1 table; fails with the reason when the image needs qemu-img. */
    public static Qcow2RawSource open(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer h = readAt(ch, 0, 104);
            if (h.getInt(0) != MAGIC) {
                throw KvMigrateException.invalidInput("image " + file + " is not qcow2", null);
            }
            int version = h.getInt(4);
            long backing = h.getLong(8);
            int clusterBits = h.getInt(20);
            long size = h.getLong(24);
            int crypt = h.getInt(32);
            int l1Size = h.getInt(36);
            long l1Offset = h.getLong(40);
            long incompatible = version >= 3 ? h.getLong(72) : 0;
            String unsupported = backing != 0 ? "a backing file" : crypt != 0 ? "encryption"
                    : (incompatible & 0b10) != 0 ? "the corrupt flag set"
                    : (incompatible & 0b100) != 0 ? "an external data file"
                    : (incompatible & 0b10000) != 0 ? "extended L2 entries"
                    : version < 2 || version > 3 ? "version " + version
                    : clusterBits < 9 || clusterBits > 21 ? "cluster bits " + clusterBits : null;
            if (unsupported != null) {
                throw needsQemuImg(file, unsupported);
            }
            ByteBuffer t = readAt(ch, l1Offset, l1Size * 8);
            long[] l1 = new long[l1Size];
            for (int i = 0; i < l1Size; i++) {
                l1[i] = t.getLong(i * 8);
            }
            return new Qcow2RawSource(file, size, clusterBits, l1);
        } catch (IOException e) {
            throw KvMigrateException.io("image " + file + ": cannot read its qcow2 header (" + e.getMessage() + ")",
                    e);
        }
    }

    private static KvMigrateException needsQemuImg(Path file, String what) {
        return KvMigrateException.invalidInput("image " + file + " has " + what + "; converting it needs qemu-img:"
                + " install qemu-utils", null);
    }

    @Override
    public String name() {
        return file + " (qcow2 read as raw)";
    }

    @Override
    public String diskName() {
        return DiskNames.fromFileName(file.getFileName().toString());
    }

    @Override
    public OptionalLong length() {
        return OptionalLong.of(size);
    }

    @Override
    public InputStream open() throws IOException {
        return new GuestStream(FileChannel.open(file, StandardOpenOption.READ));
    }

    /** The guest's bytes cluster by cluster; unallocated and zero clusters read as zeros. */
    private final class GuestStream extends InputStream {
        private final FileChannel ch;
        private final int cluster = 1 << clusterBits;
        private final int l2Entries = cluster / 8;
        private final ByteBuffer buf = ByteBuffer.allocate(cluster);
        private long[] l2;
        private int l2Index = -1;
        private long pos;

        GuestStream(FileChannel ch) {
            this.ch = ch;
            buf.limit(0);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (!buf.hasRemaining() && !fill()) {
                return -1;
            }
            int n = Math.min(len, buf.remaining());
            buf.get(b, off, n);
            return n;
        }

        private boolean fill() throws IOException {
            if (pos >= size) {
                return false;
            }
            long g = pos >> clusterBits;
            int want = (int) Math.min(cluster, size - pos);
            buf.clear();
            long entry = l2Entry(g);
            long host = entry & OFFSET_MASK;
            if ((entry & COMPRESSED) != 0) {
                throw needsQemuImg(file, "compressed clusters");
            }
            if (host == 0 || (entry & ZERO_FLAG) != 0) {
                java.util.Arrays.fill(buf.array(), 0, want, (byte) 0);
            } else {
                buf.limit(want);
                long at = host;
                while (buf.hasRemaining()) {
                    int r = ch.read(buf, at);
                    if (r < 0) {
                        throw new IOException(file + ": cluster at " + host + " lies beyond the end of the file");
                    }
                    at += r;
                }
            }
            buf.position(0).limit(want);
            pos += want;
            return true;
        }

        private long l2Entry(long g) throws IOException {
            int i1 = (int) (g / l2Entries);
            long l2Offset = i1 < l1.length ? l1[i1] & OFFSET_MASK : 0;
            if (l2Offset == 0) {
                return 0;
            }
            if (i1 != l2Index) {
                ByteBuffer t = readAt(ch, l2Offset, cluster);
                l2 = new long[l2Entries];
                for (int i = 0; i < l2Entries; i++) {
                    l2[i] = t.getLong(i * 8);
                }
                l2Index = i1;
            }
            return l2[(int) (g % l2Entries)];
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    private static ByteBuffer readAt(FileChannel ch, long at, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        long p = at;
        while (b.hasRemaining()) {
            int r = ch.read(b, p);
            if (r < 0) {
                throw new IOException("file ends at " + p + ", inside a qcow2 table");
            }
            p += r;
        }
        return b.flip();
    }
}
