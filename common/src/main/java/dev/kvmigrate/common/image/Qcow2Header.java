package dev.kvmigrate.common.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A qcow2 header (versions 2 and 3, QEMU's docs/interop/qcow2.txt), read in Java and checked before anything else
 * opens the image. Everything the header says is bounded: cluster size, virtual size, the L1 and refcount tables
 * (size, alignment, enough L1 entries for the virtual size), the header extensions (each inside the first cluster).
 * Features kv-migrate cannot vouch for are refused: unknown incompatible feature bits, the corrupt bit and header
 * extensions it does not know. Files the image would pull in (a backing file, an external data file) are reported,
 * not followed; callers refuse them.
 *
 * @param version 2 or 3
 * @param clusterBits log2 of the cluster size, 9 to 21
 * @param virtualSize the guest's disk size in bytes
 * @param cryptMethod 0 none, 1 AES, 2 LUKS
 * @param l1Size entries of the active L1 table, as the header gives them
 * @param l1Offset where the L1 table starts, cluster-aligned
 * @param incompatibleFeatures the incompatible feature bits (0 for version 2)
 * @param backingFile the backing file the header names
 * @param dataFile the external data file the header names (or says exists)
 */
public record Qcow2Header(int version, int clusterBits, long virtualSize, int cryptMethod, long l1Size,
        long l1Offset, long incompatibleFeatures, Optional<String> backingFile, Optional<String> dataFile) {
    public static final int MAGIC = 0x514649fb;
    public static final long DIRTY = 1L;
    public static final long CORRUPT = 1L << 1;
    public static final long EXTERNAL_DATA_FILE = 1L << 2;
    public static final long COMPRESSION_TYPE = 1L << 3;
    public static final long EXTENDED_L2 = 1L << 4;
    private static final long KNOWN_INCOMPATIBLE = DIRTY | CORRUPT | EXTERNAL_DATA_FILE | COMPRESSION_TYPE
            | EXTENDED_L2;

    static final long MAX_VIRTUAL_SIZE = 1L << 60;
    /** QEMU's own bounds: 32 MiB of active L1 table, 8 MiB of refcount table, 65536 snapshots. */
    static final long MAX_L1_ENTRIES = 32L * 1024 * 1024 / 8;
    private static final long MAX_REFCOUNT_TABLE = 8L * 1024 * 1024;
    private static final long MAX_SNAPSHOTS = 65536;
    private static final int MAX_NAME = 1023;
    private static final int V2_HEADER = 72;
    private static final int V3_HEADER = 104;

    private static final int EXT_END = 0;
    private static final int EXT_BACKING_FORMAT = 0xe2792aca;
    private static final int EXT_FEATURE_NAMES = 0x6803f857;
    private static final int EXT_BITMAPS = 0x23852875;
    private static final int EXT_FULL_DISK_ENCRYPTION = 0x0537be77;
    private static final int EXT_DATA_FILE = 0x44415441;

    /**
     * Reads and checks the header of the qcow2 image a channel holds (position 0 to its size). Reads at most the
     * first cluster (2 MiB at the very most).
     *
     * @throws MalformedImageException when the header is inconsistent, out of bounds or uses an unknown feature
     * @throws IOException when reading fails
     */
    public static Qcow2Header read(SeekableByteChannel ch) throws IOException {
        long fileSize = ch.size();
        ByteBuffer h = ImageProbe.read(ch, 0, (int) Math.min(fileSize, 4096));
        if (h.limit() < V2_HEADER) {
            throw malformed("qcow2 header truncated: " + h.limit() + " of " + V2_HEADER + " bytes");
        }
        if (h.getInt(0) != MAGIC) {
            throw malformed("qcow2 header: magic bytes missing");
        }
        int version = h.getInt(4);
        if (version == 1) {
            throw malformed("qcow2 header: version 1 (the original qcow format) is not read;"
                    + " convert it to qcow2 version 3");
        }
        if (version != 2 && version != 3) {
            throw malformed("qcow2 header: version " + Integer.toUnsignedString(version) + " is not 2 or 3");
        }
        long virtualSize = h.getLong(24);
        if (virtualSize < 0 || virtualSize > MAX_VIRTUAL_SIZE) {
            throw malformed("qcow2 virtual size " + Long.toUnsignedString(virtualSize) + " is out of range (at most "
                    + MAX_VIRTUAL_SIZE + " bytes)");
        }
        long clusterBits = Integer.toUnsignedLong(h.getInt(20));
        if (clusterBits < 9 || clusterBits > 21) {
            throw malformed("qcow2 header: cluster bits " + clusterBits + " out of range (9 to 21: 512 bytes to"
                    + " 2 MiB clusters)");
        }
        int clusterSize = 1 << clusterBits;
        if (h.limit() < Math.min(fileSize, clusterSize)) {
            // The header and its extensions may fill the whole first cluster.
            h = ImageProbe.read(ch, 0, (int) Math.min(fileSize, clusterSize));
        }

        long incompatible = 0;
        int headerLength = V2_HEADER;
        if (version == 3) {
            if (h.limit() < V3_HEADER) {
                throw malformed("qcow2 header truncated: " + h.limit() + " of " + V3_HEADER + " bytes");
            }
            incompatible = h.getLong(72);
            long unknown = incompatible & ~KNOWN_INCOMPATIBLE;
            if (unknown != 0) {
                throw malformed("qcow2 header: unknown incompatible feature bits 0x" + Long.toHexString(unknown)
                        + "; what they change about reading the image cannot be checked");
            }
            if ((incompatible & CORRUPT) != 0) {
                throw malformed("qcow2 header: the image is marked corrupt; repair it with"
                        + " 'qemu-img check -r all' first");
            }
            long refcountOrder = Integer.toUnsignedLong(h.getInt(96));
            if (refcountOrder > 6) {
                throw malformed("qcow2 header: refcount order " + refcountOrder + " out of range (0 to 6)");
            }
            long length = Integer.toUnsignedLong(h.getInt(100));
            if (length < V3_HEADER || length > clusterSize || length > h.limit()) {
                throw malformed("qcow2 header: header length " + length + " out of range (" + V3_HEADER + " to "
                        + Math.min(clusterSize, h.limit()) + ")");
            }
            headerLength = (int) length;
        }

        int cryptMethod = h.getInt(32);
        if (cryptMethod < 0 || cryptMethod > 2) {
            throw malformed("qcow2 header: encryption method " + Integer.toUnsignedString(cryptMethod)
                    + " is unknown");
        }

        long refcountOffset = h.getLong(48);
        long refcountClusters = Integer.toUnsignedLong(h.getInt(56));
        if (refcountClusters == 0 || refcountClusters * clusterSize > MAX_REFCOUNT_TABLE) {
            throw malformed("qcow2 header: refcount table of " + refcountClusters + " clusters out of range (1 to "
                    + MAX_REFCOUNT_TABLE / clusterSize + ")");
        }
        requireTable("refcount table", refcountOffset, clusterSize);

        long l1Size = Integer.toUnsignedLong(h.getInt(36));
        long l1Offset = h.getLong(40);
        if (l1Size > MAX_L1_ENTRIES) {
            throw malformed("qcow2 header: L1 table of " + l1Size + " entries is too large (at most "
                    + MAX_L1_ENTRIES + ")");
        }
        if (l1Size > 0) {
            requireTable("L1 table", l1Offset, clusterSize);
        }
        long needed = l1EntriesFor(virtualSize, (int) clusterBits, (incompatible & EXTENDED_L2) != 0);
        if (l1Size < needed) {
            throw malformed("qcow2 header: L1 table of " + l1Size + " entries is too small for a virtual size of "
                    + virtualSize + " bytes (" + needed + " needed)");
        }

        long snapshots = Integer.toUnsignedLong(h.getInt(60));
        if (snapshots > MAX_SNAPSHOTS) {
            throw malformed("qcow2 header: " + snapshots + " snapshots is more than " + MAX_SNAPSHOTS);
        }
        if (snapshots > 0) {
            requireTable("snapshot table", h.getLong(64), clusterSize);
        }

        long backingOffset = h.getLong(8);
        long backingLength = Integer.toUnsignedLong(h.getInt(16));
        Optional<String> backing = Optional.empty();
        if (backingOffset != 0 && backingLength > 0) {
            if (backingOffset < headerLength || backingOffset > clusterSize || backingLength > MAX_NAME
                    || backingOffset + backingLength > clusterSize) {
                throw malformed("qcow2 header: backing file name at offset " + Long.toUnsignedString(backingOffset)
                        + " (" + backingLength + " bytes) lies outside the first cluster");
            }
            backing = Optional.of(backingOffset + backingLength <= h.limit()
                    ? string(h, (int) backingOffset, (int) backingLength)
                    : "(backing file at offset " + backingOffset + ")");
        }

        int extensionsEnd = backingOffset != 0 ? (int) Math.min(backingOffset, clusterSize) : clusterSize;
        Optional<String> dataFile = extensions(h, headerLength, extensionsEnd);
        if ((incompatible & EXTERNAL_DATA_FILE) != 0 && dataFile.isEmpty()) {
            dataFile = Optional.of("(an external data file the header does not name)");
        }
        return new Qcow2Header(version, (int) clusterBits, virtualSize, cryptMethod, l1Size, l1Offset,
                incompatible, backing, dataFile);
    }

    /** Walks the header extensions; returns the external data file one names. */
    private static Optional<String> extensions(ByteBuffer h, int start, int end) throws MalformedImageException {
        Optional<String> dataFile = Optional.empty();
        int at = start;
        while (at + 8 <= end) {
            if (at + 8 > h.limit()) {
                throw malformed("qcow2 header: header extensions run past the end of the file");
            }
            int type = h.getInt(at);
            long length = Integer.toUnsignedLong(h.getInt(at + 4));
            if (type == EXT_END) {
                break;
            }
            if (at + 8 + length > end || at + 8 + length > h.limit()) {
                throw malformed(String.format("qcow2 header: extension 0x%08x of %d bytes runs past the header",
                        type, length));
            }
            switch (type) {
                case EXT_DATA_FILE -> dataFile = Optional.of(length == 0 ? "(an unnamed external data file)"
                        : string(h, at + 8, (int) Math.min(length, MAX_NAME)));
                case EXT_BACKING_FORMAT, EXT_FEATURE_NAMES, EXT_BITMAPS, EXT_FULL_DISK_ENCRYPTION -> { }
                default -> throw malformed(String.format("qcow2 header: extension 0x%08x is unknown; it could"
                        + " make the image read other files", type));
            }
            at += 8 + (int) ((length + 7) & ~7L);
        }
        return dataFile;
    }

    /** Entries of the L1 table that a disk of {@code virtualSize} bytes reaches. */
    static long l1EntriesFor(long virtualSize, int clusterBits, boolean extendedL2) {
        int l2Bits = clusterBits - (extendedL2 ? 4 : 3);
        int bits = clusterBits + l2Bits;
        return (virtualSize >> bits) + ((virtualSize & ((1L << bits) - 1)) != 0 ? 1 : 0);
    }

    public int clusterSize() {
        return 1 << clusterBits;
    }

    public boolean extendedL2() {
        return (incompatibleFeatures & EXTENDED_L2) != 0;
    }

    /** L1 entries the virtual size reaches: the part of the table a reader needs, never more than it has. */
    public long l1EntriesInUse() {
        return Math.min(l1Size, l1EntriesFor(virtualSize, clusterBits, extendedL2()));
    }

    /** Whether the guest's bytes come from this file alone: no backing file, no external data file. */
    public boolean selfContained() {
        return backingFile.isEmpty() && dataFile.isEmpty();
    }

    private static void requireTable(String what, long offset, int clusterSize) throws MalformedImageException {
        if (offset <= 0 || (offset & (clusterSize - 1)) != 0 || offset > MAX_VIRTUAL_SIZE) {
            throw malformed("qcow2 header: " + what + " offset " + Long.toUnsignedString(offset)
                    + " is invalid (not a cluster boundary inside the file)");
        }
    }

    private static MalformedImageException malformed(String message) {
        return new MalformedImageException(message);
    }

    private static String string(ByteBuffer b, int offset, int length) {
        byte[] bytes = new byte[length];
        b.get(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

}
