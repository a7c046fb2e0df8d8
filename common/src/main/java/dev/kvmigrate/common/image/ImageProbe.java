package dev.kvmigrate.common.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an image's format, virtual size and backing file from its header, in Java, without qemu-img.
 * Reads only the few header blocks each format needs, so it is cheap on multi-terabyte images and on
 * channels that are slices of a larger file (an OVA member).
 *
 * <p>Formats: qcow2 (v2/v3 header), VMDK (hosted sparse / streamOptimized extent header, or a text
 * descriptor), VHDX (region table → metadata "Virtual Disk Size"), VHD (footer), VDI, ISO 9660, raw.
 * A compressed stream (gzip, xz, zstd, bzip2) is recognised but not looked into.
 */
public final class ImageProbe {
    /** Largest text VMDK descriptor we read. */
    private static final int MAX_DESCRIPTOR = 64 * 1024;
    private static final long MAX_SANE_SIZE = 1L << 60;

    private ImageProbe() {}

    /** Probes a file. */
    public static ImageInfo probe(Path path) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(path, StandardOpenOption.READ)) {
            return probe(ch);
        }
    }

    /**
     * Probes the image a channel holds, from position 0 to its size. The channel's position is not restored.
     *
     * @throws IOException on a read failure or a header that contradicts itself (names the format and field)
     */
    public static ImageInfo probe(SeekableByteChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer head = read(ch, 0, (int) Math.min(size, 4096));
        Compression compression = compression(head);
        if (compression != Compression.NONE) {
            return new ImageInfo(ImageFormat.RAW, compression, Optional.empty(), Optional.empty());
        }
        if (startsWith(head, "QFI\u00fb")) {
            return qcow2(head);
        }
        if (startsWith(head, "KDMV")) {
            return vmdkSparse(head, ch);
        }
        if (startsWith(head, "# Disk DescriptorFile")) {
            return vmdkDescriptor(ch, size);
        }
        if (startsWith(head, "vhdxfile")) {
            return vhdx(ch);
        }
        if (head.limit() >= 0x48 && head.order(ByteOrder.LITTLE_ENDIAN).getInt(0x40) == 0xbeda107f) {
            return vdi(head);
        }
        if (startsWith(head, "conectix")) {
            // Dynamic and differencing VHDs start with a copy of the footer.
            return vhd(head, size);
        }
        if (size >= 512) {
            ByteBuffer footer = read(ch, size - 512, 512);
            if (startsWith(footer, "conectix")) {
                return vhd(footer, size);
            }
        }
        if (size >= 0x8006) {
            ByteBuffer iso = read(ch, 0x8001, 5);
            if (startsWith(iso, "CD001")) {
                return new ImageInfo(ImageFormat.ISO, Compression.NONE, Optional.of(size), Optional.empty());
            }
        }
        return new ImageInfo(ImageFormat.RAW, Compression.NONE, Optional.of(size), Optional.empty());
    }

    /** Compression by magic bytes at the start of a stream (first 6 bytes suffice). */
    public static Compression compression(ByteBuffer head) {
        int n = head.limit();
        int b0 = n > 0 ? head.get(0) & 0xff : -1;
        int b1 = n > 1 ? head.get(1) & 0xff : -1;
        if (b0 == 0x1f && b1 == 0x8b) {
            return Compression.GZIP;
        }
        if (n >= 6 && b0 == 0xfd && startsWith(head, "\u00fd7zXZ\u0000")) {
            return Compression.XZ;
        }
        if (n >= 4 && b0 == 0x28 && b1 == 0xb5 && (head.get(2) & 0xff) == 0x2f && (head.get(3) & 0xff) == 0xfd) {
            return Compression.ZSTD;
        }
        if (n >= 3 && startsWith(head, "BZh")) {
            return Compression.BZIP2;
        }
        return Compression.NONE;
    }

    private static ImageInfo qcow2(ByteBuffer h) throws IOException {
        require(h, 32, "qcow2");
        h.order(ByteOrder.BIG_ENDIAN);
        int version = h.getInt(4);
        if (version < 1 || version > 3) {
            throw new IOException("qcow2 header: version " + version + " is not 1, 2 or 3");
        }
        long backingOffset = h.getLong(8);
        int backingLength = h.getInt(16);
        long virtualSize = sane(h.getLong(24), "qcow2 virtual size");
        Optional<String> backing = Optional.empty();
        if (backingOffset != 0 && backingLength > 0) {
            backing = backingOffset + backingLength <= h.limit()
                    ? Optional.of(ascii(h, (int) backingOffset, backingLength))
                    : Optional.of("(backing file at offset " + backingOffset + ")");
        }
        return new ImageInfo(ImageFormat.QCOW2, Compression.NONE, Optional.of(virtualSize), backing);
    }

    private static ImageInfo vmdkSparse(ByteBuffer h, SeekableByteChannel ch) throws IOException {
        require(h, 0x30, "VMDK");
        h.order(ByteOrder.LITTLE_ENDIAN);
        long capacitySectors = h.getLong(12);
        long descriptorOffset = h.getLong(28);
        long descriptorSize = h.getLong(36);
        Optional<String> parent = Optional.empty();
        if (descriptorOffset > 0 && descriptorSize > 0 && descriptorSize * 512 <= MAX_DESCRIPTOR) {
            String descriptor = text(read(ch, descriptorOffset * 512, (int) (descriptorSize * 512)));
            parent = parent(descriptor);
        }
        return new ImageInfo(ImageFormat.VMDK, Compression.NONE,
                Optional.of(sane(Math.multiplyExact(capacitySectors, 512L), "VMDK capacity")), parent);
    }

    private static final Pattern EXTENT = Pattern.compile("(?m)^\\s*(RW|RDONLY|NOACCESS)\\s+(\\d+)\\s+\\w+");
    private static final Pattern PARENT = Pattern.compile("(?m)^\\s*parentFileNameHint\\s*=\\s*\"([^\"]*)\"");

    private static ImageInfo vmdkDescriptor(SeekableByteChannel ch, long size) throws IOException {
        String descriptor = text(read(ch, 0, (int) Math.min(size, MAX_DESCRIPTOR)));
        long sectors = 0;
        Matcher m = EXTENT.matcher(descriptor);
        while (m.find()) {
            sectors = Math.addExact(sectors, Long.parseLong(m.group(2)));
        }
        Optional<Long> virtualSize = sectors > 0 ? Optional.of(sane(sectors * 512, "VMDK extents")) : Optional.empty();
        return new ImageInfo(ImageFormat.VMDK, Compression.NONE, virtualSize, parent(descriptor));
    }

    private static Optional<String> parent(String descriptor) {
        Matcher p = PARENT.matcher(descriptor);
        return p.find() && !p.group(1).isBlank() ? Optional.of(p.group(1)) : Optional.empty();
    }

    private static final String VHDX_METADATA_REGION = "8b7ca206-4790-4b9a-b8fe-575f050f886e";
    private static final String VHDX_VIRTUAL_DISK_SIZE = "2fa54224-cd1b-4876-b211-5dbed83bf4b8";
    private static final String VHDX_PARENT_LOCATOR = "a8d35f2d-b30b-454d-abf7-d3d84834ab0c";

    private static ImageInfo vhdx(SeekableByteChannel ch) throws IOException {
        // Region table: 192 KiB into the file (a second copy at 256 KiB).
        ByteBuffer regions = read(ch, 192 * 1024, 64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        if (!startsWith(regions, "regi")) {
            throw new IOException("VHDX: region table signature 'regi' missing at offset 196608");
        }
        int count = regions.getInt(8);
        if (count < 0 || count > 2047) {
            throw new IOException("VHDX: region table entry count " + count + " out of range");
        }
        long metadataOffset = -1;
        for (int i = 0; i < count; i++) {
            int e = 16 + i * 32;
            if (guid(regions, e).equals(VHDX_METADATA_REGION)) {
                metadataOffset = regions.getLong(e + 16);
            }
        }
        if (metadataOffset < 0) {
            throw new IOException("VHDX: no metadata region in the region table");
        }
        ByteBuffer meta = read(ch, metadataOffset, 64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        if (!startsWith(meta, "metadata")) {
            throw new IOException("VHDX: metadata table signature missing at offset " + metadataOffset);
        }
        int entries = Short.toUnsignedInt(meta.getShort(10));
        Optional<Long> virtualSize = Optional.empty();
        Optional<String> parent = Optional.empty();
        for (int i = 0; i < entries && 32 + (i + 1) * 32 <= meta.limit(); i++) {
            int e = 32 + i * 32;
            String id = guid(meta, e);
            long itemOffset = Integer.toUnsignedLong(meta.getInt(e + 16));
            if (id.equals(VHDX_VIRTUAL_DISK_SIZE)) {
                ByteBuffer item = read(ch, metadataOffset + itemOffset, 8).order(ByteOrder.LITTLE_ENDIAN);
                require(item, 8, "VHDX virtual disk size");
                virtualSize = Optional.of(sane(item.getLong(0), "VHDX virtual disk size"));
            } else if (id.equals(VHDX_PARENT_LOCATOR)) {
                parent = Optional.of("(VHDX parent locator)");
            }
        }
        if (virtualSize.isEmpty()) {
            throw new IOException("VHDX: metadata has no Virtual Disk Size item");
        }
        return new ImageInfo(ImageFormat.VHDX, Compression.NONE, virtualSize, parent);
    }

    private static ImageInfo vhd(ByteBuffer footer, long fileSize) throws IOException {
        require(footer, 64, "VHD footer");
        footer.order(ByteOrder.BIG_ENDIAN);
        int diskType = footer.getInt(60);
        // qemu (and so CDI, which converts with qemu-img) reads a fixed VHD as the whole file, footer included.
        long currentSize = diskType == 2 ? fileSize : sane(footer.getLong(48), "VHD current size");
        Optional<String> parent = diskType == 4 ? Optional.of("(VHD differencing parent)") : Optional.empty();
        return new ImageInfo(ImageFormat.VHD, Compression.NONE, Optional.of(currentSize), parent);
    }

    private static ImageInfo vdi(ByteBuffer h) throws IOException {
        require(h, 0x178, "VDI");
        h.order(ByteOrder.LITTLE_ENDIAN);
        long diskSize = sane(h.getLong(0x170), "VDI disk size");
        int imageType = h.getInt(0x4c);
        Optional<String> parent = imageType == 4 ? Optional.of("(VDI differencing parent)") : Optional.empty();
        return new ImageInfo(ImageFormat.VDI, Compression.NONE, Optional.of(diskSize), parent);
    }

    private static ByteBuffer read(SeekableByteChannel ch, long offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(Math.max(0, length));
        ch.position(offset);
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                break;
            }
        }
        buf.flip();
        return buf;
    }

    private static void require(ByteBuffer b, int length, String what) throws IOException {
        if (b.limit() < length) {
            throw new IOException(what + " header truncated: " + b.limit() + " of " + length + " bytes");
        }
    }

    private static long sane(long value, String what) throws IOException {
        if (value < 0 || value > MAX_SANE_SIZE) {
            throw new IOException(what + " " + value + " is out of range");
        }
        return value;
    }

    private static boolean startsWith(ByteBuffer b, String magic) {
        if (b.limit() < magic.length()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if ((b.get(i) & 0xff) != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(ByteBuffer b, int offset, int length) {
        byte[] bytes = new byte[length];
        b.get(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String text(ByteBuffer b) {
        byte[] bytes = new byte[b.limit()];
        b.get(0, bytes);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** A Microsoft GUID (first three fields little-endian) as lower-case text. */
    private static String guid(ByteBuffer b, int at) {
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder s = new StringBuilder(String.format("%08x-%04x-%04x-", le.getInt(at),
                Short.toUnsignedInt(le.getShort(at + 4)), Short.toUnsignedInt(le.getShort(at + 6))));
        for (int i = 8; i < 16; i++) {
            if (i == 10) {
                s.append('-');
            }
            s.append(String.format("%02x", b.get(at + i) & 0xff));
        }
        return s.toString();
    }
}
