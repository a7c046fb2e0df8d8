package dev.kvmigrate.importer.standin;

import dev.kvmigrate.common.image.Compression;
import dev.kvmigrate.common.image.ImageFormat;
import dev.kvmigrate.common.image.ImageInfo;
import dev.kvmigrate.common.image.ImageProbe;
import dev.kvmigrate.importer.transfer.Checksum;
import dev.kvmigrate.importer.transfer.ContentDigest;
import dev.kvmigrate.importer.transfer.FileSliceContent;
import dev.kvmigrate.importer.transfer.Unwrap;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * What CDI's upload server does with a body: unwrap gz/xz/zstd, then write raw straight into the volume
 * skipping all-zero 32 KiB blocks, or land qcow2 & co on scratch and convert them with the real qemu-img.
 * Enforces the volume size.
 */
final class VolumeWriter {
    /** The body does not fit, or is not an image CDI takes: the upload is answered 400 with this reason. */
    static final class Rejected extends IOException {
        private static final long serialVersionUID = 1L;

        Rejected(String reason) {
            super(reason);
        }
    }

    private static final int CDI_BLOCK = 32 * 1024;
    private static final int CHUNK = 1 << 20;
    private static final byte[] ZEROS = new byte[CDI_BLOCK];

    private VolumeWriter() {}

    /** Writes the body into {@code volume}'s file (via a temp name); returns the bytes the volume holds. */
    static long write(InputStream body, Volume volume) throws IOException {
        PushbackInputStream outer = new PushbackInputStream(body, 16);
        byte[] magic = outer.readNBytes(16);
        outer.unread(magic);
        Compression c = ImageProbe.compression(ByteBuffer.wrap(magic));
        InputStream plain = c == Compression.NONE ? outer : Unwrap.open(outer, c);
        PushbackInputStream in = new PushbackInputStream(plain, CHUNK);
        byte[] head = in.readNBytes(CHUNK);
        in.unread(head);
        ImageInfo info = ImageProbe.probe(new SeekableInMemoryByteChannel(head));
        Path tmp = volume.file().resolveSibling(volume.file().getFileName() + ".writing");
        Files.deleteIfExists(tmp);
        long size = info.format() == ImageFormat.RAW || info.format() == ImageFormat.ISO
                ? writeRaw(in, volume, tmp) : convert(in, info, volume, tmp);
        Files.move(tmp, volume.file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return size;
    }

    /**
     * Discard mode: as {@link #write}, but the volume's bytes are only digested ({@link Checksum#XXH3}, recorded in
     * {@link Volume#receivedDigest()}) and dropped; non-raw images are converted on scratch files deleted at once.
     */
    static void digestAndDiscard(InputStream body, Volume volume) throws IOException {
        PushbackInputStream outer = new PushbackInputStream(body, 16);
        byte[] magic = outer.readNBytes(16);
        outer.unread(magic);
        Compression c = ImageProbe.compression(ByteBuffer.wrap(magic));
        InputStream plain = c == Compression.NONE ? outer : Unwrap.open(outer, c);
        PushbackInputStream in = new PushbackInputStream(plain, CHUNK);
        byte[] head = in.readNBytes(CHUNK);
        in.unread(head);
        ImageInfo info = ImageProbe.probe(new SeekableInMemoryByteChannel(head));
        ContentDigest digest = Checksum.XXH3.start();
        if (info.format() == ImageFormat.RAW || info.format() == ImageFormat.ISO) {
            byte[] buf = new byte[CHUNK];
            long pos = 0;
            int n;
            while ((n = in.readNBytes(buf, 0, CHUNK)) > 0) {
                if (pos + n > volume.capacity()) {
                    throw new Rejected("image is larger than the volume: more than " + volume.capacity()
                            + " bytes received for PVC " + volume.name());
                }
                digest.data(pos, buf, 0, n); // 1 MiB reads keep every run block-aligned
                pos += n;
                if (n < CHUNK) {
                    break;
                }
            }
        } else {
            Path tmp = volume.file().resolveSibling(volume.file().getFileName() + ".converted");
            try {
                Files.deleteIfExists(tmp);
                convert(in, info, volume, tmp);
                new FileSliceContent(tmp, 0, Files.size(tmp)).accept(digest);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        volume.receivedDigest(digest.finish());
    }

    private static long writeRaw(InputStream in, Volume volume, Path tmp) throws IOException {
        byte[] buf = new byte[CHUNK];
        long pos = 0;
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int n;
            while ((n = in.readNBytes(buf, 0, CHUNK)) > 0) {
                if (pos + n > volume.capacity()) {
                    throw new Rejected("image is larger than the volume: more than " + volume.capacity()
                            + " bytes received for PVC " + volume.name());
                }
                int runStart = -1;
                for (int at = 0; at < n; at += CDI_BLOCK) {
                    int len = Math.min(CDI_BLOCK, n - at);
                    boolean zero = Arrays.mismatch(buf, at, at + len, ZEROS, 0, len) < 0;
                    if (zero && runStart >= 0) {
                        writeFully(out, buf, runStart, at - runStart, pos + runStart);
                        runStart = -1;
                    } else if (!zero && runStart < 0) {
                        runStart = at;
                    }
                }
                if (runStart >= 0) {
                    writeFully(out, buf, runStart, n - runStart, pos + runStart);
                }
                pos += n;
                if (n < CHUNK) {
                    break;
                }
            }
            out.force(false);
        }
        try (var raf = new java.io.RandomAccessFile(tmp.toFile(), "rw")) {
            raf.setLength(pos);
        }
        return pos;
    }

    private static void writeFully(FileChannel out, byte[] buf, int off, int len, long at) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf, off, len);
        long p = at;
        while (bb.hasRemaining()) {
            p += out.write(bb, p);
        }
    }

    private static long convert(InputStream in, ImageInfo info, Volume volume, Path tmp) throws IOException {
        if (info.backingFile().isPresent()) {
            throw new Rejected("image has a backing file " + info.backingFile().get());
        }
        long virtual = info.virtualSize().orElse(0L);
        if (virtual > volume.capacity()) {
            throw new Rejected("virtual image size " + virtual + " is larger than the reported available storage "
                    + volume.capacity() + ". A larger PVC is required.");
        }
        Path scratch = volume.file().resolveSibling(volume.file().getFileName() + ".scratch");
        try {
            try (OutputStream out = Files.newOutputStream(scratch)) {
                in.transferTo(out);
            }
            TestImages.run("qemu-img", "convert", "-q", "-O", "raw", scratch.toString(), tmp.toString());
            return Files.size(tmp);
        } finally {
            Files.deleteIfExists(scratch);
        }
    }
}
