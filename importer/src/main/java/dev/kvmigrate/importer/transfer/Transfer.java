package dev.kvmigrate.importer.transfer;

import dev.kvmigrate.importer.source.SeekableImageSource;
import dev.kvmigrate.common.image.Compression;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The transfer engine: streams an image into an output stream once, in the chosen encoding, computing the
 * digest and counting bytes as they pass, under the shared rate limit. Nothing is buffered beyond 1 MiB.
 */
public final class Transfer {
    private static final int COPY = 256 * 1024;

    private Transfer() {}

    /** The logical content of a raw image (read in place when local, through the decompressor when wrapped). */
    public static LogicalContent logical(InspectedImage image) {
        if (!image.isRaw()) {
            throw new IllegalArgumentException(image.source().name() + " is " + image.format() + ", not raw");
        }
        if (image.source() instanceof dev.kvmigrate.importer.source.ExtentSource e) {
            return e.content();
        }
        if (image.compression() == Compression.NONE && image.source() instanceof SeekableImageSource s) {
            return new FileSliceContent(s.slice().file(), s.slice().offset(), s.slice().length());
        }
        if (image.compression() == Compression.NONE) {
            return new StreamContent(() -> image.source().open(), image.source().length());
        }
        return new StreamContent(() -> Unwrap.open(image.source().open(), image.compression()),
                image.virtualSize().map(java.util.OptionalLong::of).orElse(java.util.OptionalLong.empty()));
    }

    /**
     * Sends {@code image} to {@code out}: encoded logical content when {@code encoding} is present, else the
     * stored bytes unchanged. Does not close {@code out}.
     */
    public static Sent send(InspectedImage image, Optional<WireEncoding> encoding, Checksum checksum,
            RateLimiter limiter, Meter meter, OutputStream out) throws IOException {
        OutputStream counted = new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                limiter.acquire(len);
                out.write(b, off, len);
                meter.wire(len);
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }
        };
        ContentDigest digest = checksum.start();
        if (encoding.isPresent()) {
            WireEncoder encoder = new WireEncoder(encoding.get(), counted);
            BlockVisitor progress = new BlockVisitor() {
                @Override
                public void data(long offset, byte[] buf, int off, int len) {
                    meter.advance(len);
                }

                @Override
                public void zeros(long offset, long length) {
                    meter.advance(length);
                }
            };
            long n;
            try {
                n = logical(image).accept(BlockVisitor.tee(digest, encoder, progress));
                encoder.finish();
            } finally {
                encoder.close();
            }
            meter.report();
            return new Sent(n, meter.wireBytes(), digest.finish(), Sent.DigestScope.DISK, encoder.adaptation());
        }
        byte[] buf = new byte[COPY];
        long n = 0;
        if (image.source() instanceof SeekableImageSource s) {
            // Local bytes: direct-buffer reads (see FileSliceContent), each chunk hashed and sent while in cache.
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocateDirect(COPY);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(s.slice().file())) {
                long end = s.slice().length();
                while (n < end) {
                    bb.clear().limit((int) Math.min(COPY, end - n));
                    int r = ch.read(bb, s.slice().offset() + n);
                    if (r < 0) {
                        throw new IOException(s.slice().file() + " ended at " + n + " of " + end + " bytes");
                    }
                    bb.flip().get(buf, 0, r);
                    digest.data(n, buf, 0, r);
                    counted.write(buf, 0, r);
                    n += r;
                    meter.advance(r);
                }
            }
        } else {
            try (InputStream in = image.source().open()) {
                int r;
                while ((r = in.readNBytes(buf, 0, COPY)) > 0) {
                    // A stored image is hashed as plain bytes: its block runs are all "data".
                    digest.data(n, buf, 0, r);
                    counted.write(buf, 0, r);
                    n += r;
                    meter.advance(r);
                    if (r < COPY) {
                        break;
                    }
                }
            }
        }
        counted.flush();
        meter.report();
        return new Sent(n, meter.wireBytes(), digest.finish(), Sent.DigestScope.IMAGE_FILE);
    }
}
