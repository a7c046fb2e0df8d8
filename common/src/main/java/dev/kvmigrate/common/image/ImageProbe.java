package dev.kvmigrate.common.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 *
 * <p>Headers are untrusted input: every field is bounded before use, and an image that would read other files
 * says so ({@link ImageInfo#backingFile()}, {@link ImageInfo#externalFiles()}) instead of the probe following it:
 * a qcow2 external data file, the extents of a VMDK text descriptor (or of a descriptor embedded in a sparse
 * VMDK that defers to it). The qcow2 header is checked in full by {@link Qcow2Header}.
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
        try {
            return probeChecked(ch);
        } catch (ArithmeticException | IndexOutOfBoundsException | IllegalArgumentException
                | java.nio.BufferUnderflowException e) {
            // A field that slipped past the checks below: still a bad header, never a crash.
            throw new MalformedImageException("malformed image header (a field points outside the image or"
                    + " overflows)");
        }
    }

    private static ImageInfo probeChecked(SeekableByteChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer head = read(ch, 0, (int) Math.min(size, 4096));
        Compression compression = compression(head);
        if (compression != Compression.NONE) {
            return new ImageInfo(ImageFormat.RAW, compression, Optional.empty(), Optional.empty());
        }
        if (startsWith(head, "QFI\u00fb")) {
            return qcow2(ch);
        }
        if (startsWith(head, "KDMV")) {
            return vmdkSparse(head, ch, size);
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

    private static ImageInfo qcow2(SeekableByteChannel ch) throws IOException {
        Qcow2Header q = Qcow2Header.read(ch);
        return new ImageInfo(ImageFormat.QCOW2, Compression.NONE, Optional.of(q.virtualSize()), q.backingFile(),
                q.dataFile().map(List::of).orElse(List.of()));
    }

    private static ImageInfo vmdkSparse(ByteBuffer h, SeekableByteChannel ch, long fileSize) throws IOException {
        require(h, 0x30, "VMDK");
        h.order(ByteOrder.LITTLE_ENDIAN);
        long capacitySectors = h.getLong(12);
        long descriptorOffset = h.getLong(28);
        long descriptorSize = h.getLong(36);
        if (capacitySectors < 0 || capacitySectors > MAX_SANE_SIZE / 512) {
            throw new MalformedImageException("VMDK capacity of " + Long.toUnsignedString(capacitySectors)
                    + " sectors is out of range (at most " + MAX_SANE_SIZE / 512 + ")");
        }
        Optional<String> parent = Optional.empty();
        List<String> external = List.of();
        if (descriptorOffset != 0) {
            if (descriptorOffset < 0 || descriptorOffset > fileSize / 512 || descriptorSize < 0
                    || descriptorSize > MAX_DESCRIPTOR / 512) {
                throw new MalformedImageException("VMDK header: embedded descriptor at sector "
                        + Long.toUnsignedString(descriptorOffset) + " (" + Long.toUnsignedString(descriptorSize)
                        + " sectors) lies outside the file or is larger than " + MAX_DESCRIPTOR / 1024 + " KiB");
            }
            String descriptor = text(read(ch, descriptorOffset * 512, (int) (descriptorSize * 512)));
            parent = parent(descriptor);
            List<Extent> extents = extents(descriptor);
            if (capacitySectors == 0) {
                // A sparse header without a capacity defers to its descriptor: qemu then opens the files its
                // extents name instead of this one.
                external = extents.isEmpty() ? List.of("(the extents of its embedded descriptor)")
                        : extents.stream().map(Extent::file).toList();
            } else if (extents.size() > 1 || extents.stream().anyMatch(e -> !e.type().equals("SPARSE"))) {
                external = extents.stream().map(Extent::file).toList();
            }
        }
        return new ImageInfo(ImageFormat.VMDK, Compression.NONE, Optional.of(capacitySectors * 512), parent,
                external);
    }

    /** One extent line of a VMDK descriptor: access, sectors, type and (for all but ZERO) a file name. */
    private record Extent(long sectors, String type, String file) {}

    private static final Pattern EXTENT = Pattern.compile(
            "(?m)^[ \\t]*(?:RW|RDONLY|NOACCESS)[ \\t]+(\\d+)[ \\t]+(\\w+)(?:[ \\t]+\"([^\"\\r\\n]*)\")?");
    private static final Pattern PARENT = Pattern.compile("(?m)^\\s*parentFileNameHint\\s*=\\s*\"([^\"]*)\"");

    private static List<Extent> extents(String descriptor) throws MalformedImageException {
        List<Extent> out = new ArrayList<>();
        Matcher m = EXTENT.matcher(descriptor);
        while (m.find()) {
            long sectors;
            try {
                sectors = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new MalformedImageException("VMDK descriptor: extent of " + m.group(1) + " sectors is out of"
                        + " range");
            }
            String type = m.group(2).toUpperCase(Locale.ROOT);
            String file = m.group(3) != null ? m.group(3) : "(an extent of type " + type + " without a file name)";
            out.add(new Extent(sectors, type, file));
        }
        return out;
    }

    private static ImageInfo vmdkDescriptor(SeekableByteChannel ch, long size) throws IOException {
        String descriptor = text(read(ch, 0, (int) Math.min(size, MAX_DESCRIPTOR)));
        long sectors = 0;
        List<String> external = new ArrayList<>();
        for (Extent e : extents(descriptor)) {
            if (e.sectors() > MAX_SANE_SIZE / 512 - sectors) {
                throw new MalformedImageException("VMDK descriptor: its extents add up to more than "
                        + MAX_SANE_SIZE / 512 + " sectors");
            }
            sectors += e.sectors();
            // A text descriptor holds no data of its own: it is never a self-contained image.
            external.add(e.file());
        }
        if (external.isEmpty()) {
            // qemu reads extent lines more loosely than the pattern above; whatever it finds is another file.
            external.add("(the files its extent lines name)");
        }
        Optional<Long> virtualSize = sectors > 0 ? Optional.of(sectors * 512) : Optional.empty();
        return new ImageInfo(ImageFormat.VMDK, Compression.NONE, virtualSize, parent(descriptor), external);
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
            throw new MalformedImageException("VHDX: region table signature 'regi' missing at offset 196608");
        }
        int count = regions.getInt(8);
        if (count < 0 || count > 2047) {
            throw new MalformedImageException("VHDX: region table entry count " + count + " out of range");
        }
        long metadataOffset = -1;
        for (int i = 0; i < count; i++) {
            int e = 16 + i * 32;
            if (guid(regions, e).equals(VHDX_METADATA_REGION)) {
                metadataOffset = regions.getLong(e + 16);
            }
        }
        if (metadataOffset < 0) {
            throw new MalformedImageException("VHDX: no metadata region in the region table");
        }
        ByteBuffer meta = read(ch, metadataOffset, 64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        if (!startsWith(meta, "metadata")) {
            throw new MalformedImageException("VHDX: metadata table signature missing at offset " + metadataOffset);
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
            throw new MalformedImageException("VHDX: metadata has no Virtual Disk Size item");
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

    /**
     * Up to {@code length} bytes at {@code offset} (fewer where the file ends), big-endian: the one positioned read
     * of the header parsers here.
     */
    static ByteBuffer read(SeekableByteChannel ch, long offset, int length) throws IOException {
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
            throw new MalformedImageException(what + " header truncated: " + b.limit() + " of " + length + " bytes");
        }
    }

    private static long sane(long value, String what) throws IOException {
        if (value < 0 || value > MAX_SANE_SIZE) {
            throw new MalformedImageException(what + " " + value + " is out of range");
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
