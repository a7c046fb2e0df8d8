package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.image.MalformedImageException;
import dev.kvmigrate.common.image.Qcow2Header;
import dev.kvmigrate.common.io.BulkInputStream;
import dev.kvmigrate.importer.format.ExtentReader;
import dev.kvmigrate.importer.transfer.BlockVisitor;
import dev.kvmigrate.importer.transfer.LogicalContent;
import dev.kvmigrate.importer.transfer.RunBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * A local qcow2 image read as its guest's raw bytes, in Java: for machines without {@code qemu-img}, where the
 * directory sink cannot convert. Handles qcow2 versions 2 and 3 with plain and all-zero clusters (what
 * {@code qemu-img create/convert} writes by default). Only self-contained images are read: a backing file or an
 * external data file is refused, never opened. Refuses, naming {@code qemu-img}, images with encryption, compressed
 * clusters or extended L2 entries (QEMU's docs/interop/qcow2.txt). The header is checked by {@link Qcow2Header};
 * memory stays bounded (the L1 entries the virtual size reaches, one cluster and one L2 table) whatever it says, and
 * a table or cluster outside the file is a refusal, not a crash. As an {@link ExtentSource} its content walks the L2
 * tables: unallocated and zero clusters are handed on as zero runs without a read, allocated clusters are read (runs
 * of clusters adjacent in the file with one read) and zero-checked per block.
 */
public final class Qcow2RawSource implements ExtentSource {
    /** Opens the stored qcow2 bytes for random reads: a local file, or a remote volume read by ranges. */
    @FunctionalInterface
    public interface ChannelOpener {
        SeekableByteChannel open() throws IOException;
    }


    private static final long OFFSET_MASK = 0x00fffffffffffe00L;
    private static final long COMPRESSED = 1L << 62;
    private static final long ZERO_FLAG = 1L;
    /** The most bytes of adjacent clusters read at once (a whole cluster when clusters are larger). */
    private static final int RUN = 256 * 1024;

    private final String file;
    private final String disk;
    private final ChannelOpener opener;
    private final long size;
    private final int clusterBits;
    private final long[] l1;

    private Qcow2RawSource(String file, String disk, ChannelOpener opener, long size, int clusterBits, long[] l1) {
        this.file = file;
        this.disk = disk;
        this.opener = opener;
        this.size = size;
        this.clusterBits = clusterBits;
        this.l1 = l1;
    }

    /**
     * Reads and checks the header ({@link Qcow2Header}) and the L1 table; fails with the reason when the image is
     * not self-contained, is malformed, or needs qemu-img. The L1 table read is bounded by the virtual size (only
     * the entries it reaches) and by the file (the table must lie inside it).
     */
    public static Qcow2RawSource open(Path file) {
        return open(file.toString(), DiskNames.fromFileName(file.getFileName().toString()),
                () -> ExtentReader.channel(file));
    }

    /**
     * The same for qcow2 bytes that are not a local file ({@code file} names them in messages): every read is a
     * positioned read of {@code opener}'s channel, whose {@code size()} is the stored length.
     */
    public static Qcow2RawSource open(String file, String disk, ChannelOpener opener) {
        try (SeekableByteChannel ch = opener.open()) {
            ByteBuffer magic = readAt(ch, 0, (int) Math.min(4, ch.size()));
            if (magic.limit() < 4 || magic.getInt(0) != Qcow2Header.MAGIC) {
                throw KvMigrateException.invalidInput("image " + file + " is not qcow2", null);
            }
            Qcow2Header h = Qcow2Header.read(ch);
            if (h.backingFile().isPresent()) {
                throw ImageRefusal.notSelfContained(file, "its qcow2 header names a backing file",
                        List.of(h.backingFile().get()));
            }
            if (h.dataFile().isPresent()) {
                throw ImageRefusal.notSelfContained(file, "its qcow2 header names an external data file",
                        List.of(h.dataFile().get()));
            }
            String unsupported = h.cryptMethod() != 0 ? "encryption"
                    : h.extendedL2() ? "extended L2 entries" : null;
            if (unsupported != null) {
                throw needsQemuImg(file, unsupported);
            }
            long entries = h.l1EntriesInUse();
            if (entries > 0 && h.l1Offset() > ch.size() - entries * 8) {
                throw malformed(file, "its L1 table (" + entries + " entries at offset " + h.l1Offset()
                        + ") lies beyond the end of the file");
            }
            ByteBuffer t = readAt(ch, h.l1Offset(), (int) (entries * 8));
            long[] l1 = new long[(int) entries];
            for (int i = 0; i < l1.length; i++) {
                l1[i] = t.getLong(i * 8);
            }
            return new Qcow2RawSource(file, disk, opener, h.virtualSize(), h.clusterBits(), l1);
        } catch (MalformedImageException e) {
            throw malformed(file, e.getMessage());
        } catch (IOException e) {
            throw KvMigrateException.io("image " + file + ": cannot read its qcow2 header (" + e.getMessage() + ")",
                    e);
        }
    }

    /**
     * The local qcow2 {@code file} read as raw when this reader can read every guest cluster of it: a self-contained
     * image without encryption, extended L2 entries or compressed clusters, whose L2 tables and clusters all lie
     * aligned inside the file (every L2 table is read once here: 8 bytes per cluster). Empty otherwise, or when the
     * file cannot be read: the caller then sends the stored bytes and lets the receiver convert them, as before.
     */
    public static java.util.Optional<Qcow2RawSource> openIfReadable(Path file) {
        Qcow2RawSource q;
        try {
            q = open(file);
        } catch (KvMigrateException e) {
            return java.util.Optional.empty();
        }
        try (SeekableByteChannel ch = q.opener.open()) {
            return q.everyClusterReadable(ch) ? java.util.Optional.of(q) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** Whether every L2 table and every allocated cluster is aligned, inside the file and not compressed. */
    private boolean everyClusterReadable(SeekableByteChannel ch) throws IOException {
        long stored = ch.size();
        int cluster = 1 << clusterBits;
        boolean[] ok = {true};
        walk(ch, (guest, length, entry) -> {
            long host = entry & OFFSET_MASK;
            if ((entry & COMPRESSED) != 0 || host != 0 && ((host & (cluster - 1)) != 0 || host > stored - length)) {
                ok[0] = false;
            }
            return ok[0];
        }, true);
        return ok[0];
    }

    /** One guest cluster ({@code length} bytes at {@code guest}, the last one may be short) and its L2 entry. */
    @FunctionalInterface
    private interface ClusterVisitor {
        /** False stops the walk. */
        boolean cluster(long guest, int length, long entry) throws IOException;
    }

    /**
     * Visits every guest cluster in order with its L2 entry (0 where the L1 entry has no table); an L2 table that is
     * unaligned or outside the file ends the walk as false when {@code quiet}, else is a malformed-image refusal.
     */
    private boolean walk(SeekableByteChannel ch, ClusterVisitor v, boolean quiet) throws IOException {
        int cluster = 1 << clusterBits;
        long guestClusters = (size + cluster - 1) >> clusterBits;
        int l2Entries = cluster / 8;
        for (long i1 = 0; i1 * l2Entries < guestClusters; i1++) {
            long l2Offset = i1 < l1.length ? l1[(int) i1] & OFFSET_MASK : 0;
            ByteBuffer t = null;
            if (l2Offset != 0) {
                if (quiet && !l2TableInside(l2Offset, ch.size())) {
                    return false;
                }
                t = l2Table(ch, i1, l2Offset);
            }
            long inTable = Math.min(l2Entries, guestClusters - i1 * l2Entries);
            for (int i = 0; i < inTable; i++) {
                long guest = (i1 * l2Entries + i) << clusterBits;
                if (!v.cluster(guest, (int) Math.min(cluster, size - guest), t == null ? 0 : t.getLong(i * 8))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether a table at {@code l2Offset} is cluster-aligned and lies inside {@code stored} bytes. */
    private boolean l2TableInside(long l2Offset, long stored) {
        int cluster = 1 << clusterBits;
        return (l2Offset & (cluster - 1)) == 0 && l2Offset <= stored - cluster;
    }

    /** L2 table {@code i1}, at {@code l2Offset}; refused as malformed when it is unaligned or outside the file. */
    private ByteBuffer l2Table(SeekableByteChannel ch, long i1, long l2Offset) throws IOException {
        if (!l2TableInside(l2Offset, ch.size())) {
            throw malformed(file, "L2 table " + i1 + " at offset " + l2Offset
                    + " is unaligned or lies beyond the end of the file");
        }
        return readAt(ch, l2Offset, 1 << clusterBits);
    }

    /**
     * Where the guest cluster at {@code guest} with L2 entry {@code entry} is stored; 0 when it reads as zeros
     * (unallocated, or the zero flag). Compressed clusters are refused naming qemu-img, unaligned ones as malformed.
     */
    private long dataOffset(long guest, long entry) {
        long host = entry & OFFSET_MASK;
        if ((entry & COMPRESSED) != 0) {
            throw needsQemuImg(file, "compressed clusters");
        }
        if (host != 0 && (host & ((1 << clusterBits) - 1)) != 0) {
            throw malformed(file, "guest cluster " + (guest >> clusterBits) + " maps to unaligned offset " + host);
        }
        return (entry & ZERO_FLAG) != 0 ? 0 : host;
    }

    /** Fills {@code bb} (to its limit) from {@code host}, where the guest cluster at {@code guest} is stored. */
    private void readCluster(SeekableByteChannel ch, ByteBuffer bb, long guest, long host) throws IOException {
        long at = host;
        while (bb.hasRemaining()) {
            int r = ch.position(at).read(bb);
            if (r < 0) {
                throw malformed(file, "guest cluster " + (guest >> clusterBits) + " maps to offset " + host
                        + ", beyond the end of the file");
            }
            at += r;
        }
    }

    /**
     * The guest's bytes: zero runs for unallocated and zero clusters (nothing read), allocated clusters read in runs
     * that are adjacent both in the guest and in the file (up to {@link #RUN} bytes a read) and zero-checked.
     */
    @Override
    public LogicalContent content() {
        return new LogicalContent() {
            @Override
            public OptionalLong size() {
                return OptionalLong.of(size);
            }

            @Override
            public long accept(BlockVisitor visitor) throws IOException {
                RunBuilder runs = new RunBuilder(visitor);
                byte[] buf = new byte[Math.max(RUN, 1 << clusterBits)];
                ByteBuffer bb = ByteBuffer.wrap(buf);
                long[] run = {-1, 0, 0}; // guest offset, host offset, length of the pending read
                try (SeekableByteChannel ch = opener.open()) {
                    ClusterVisitor read = (guest, length, entry) -> {
                        long host = dataOffset(guest, entry);
                        boolean data = host != 0;
                        if (run[0] >= 0 && (!data || host != run[1] + run[2] || run[2] + length > buf.length)) {
                            readRun(ch, bb, run[0], run[1], (int) run[2], runs);
                            run[0] = -1;
                        }
                        if (!data) {
                            runs.zeros(guest, length);
                        } else if (run[0] < 0) {
                            run[0] = guest;
                            run[1] = host;
                            run[2] = length;
                        } else {
                            run[2] += length;
                        }
                        return true;
                    };
                    walk(ch, read, false);
                    if (run[0] >= 0) {
                        readRun(ch, bb, run[0], run[1], (int) run[2], runs);
                    }
                }
                runs.flush();
                return size;
            }
        };
    }

    private void readRun(SeekableByteChannel ch, ByteBuffer bb, long guest, long host, int length, RunBuilder runs)
            throws IOException {
        bb.clear().limit(length);
        readCluster(ch, bb, guest, host);
        runs.scan(guest, bb.array(), length);
    }

    private static KvMigrateException needsQemuImg(String file, String what) {
        return KvMigrateException.invalidInput("image " + file + " has " + what + "; converting it needs qemu-img:"
                + " install qemu-utils", null);
    }

    private static KvMigrateException malformed(String file, String why) {
        return ImageRefusal.malformed(file, why, null);
    }

    @Override
    public String name() {
        return file + " (qcow2 read as raw)";
    }

    @Override
    public String diskName() {
        return disk;
    }

    @Override
    public OptionalLong length() {
        return OptionalLong.of(size);
    }

    @Override
    public InputStream open() throws IOException {
        return new GuestStream(opener.open());
    }

    /** The guest's bytes cluster by cluster; unallocated and zero clusters read as zeros. */
    private final class GuestStream extends BulkInputStream {
        private final SeekableByteChannel ch;
        private final int cluster = 1 << clusterBits;
        private final int l2Entries = cluster / 8;
        private final ByteBuffer buf = ByteBuffer.allocate(cluster);
        private long[] l2;
        private int l2Index = -1;
        private long pos;

        GuestStream(SeekableByteChannel ch) {
            this.ch = ch;
            buf.limit(0);
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
            long host = dataOffset(pos, l2Entry(g));
            if (host == 0) {
                java.util.Arrays.fill(buf.array(), 0, want, (byte) 0);
            } else {
                buf.limit(want);
                readCluster(ch, buf, pos, host);
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
                ByteBuffer t = l2Table(ch, i1, l2Offset);
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

    private static ByteBuffer readAt(SeekableByteChannel ch, long at, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        long p = at;
        while (b.hasRemaining()) {
            int r = ch.position(p).read(b);
            if (r < 0) {
                throw new IOException("file ends at " + p + ", inside a qcow2 table");
            }
            p += r;
        }
        return b.flip();
    }
}
