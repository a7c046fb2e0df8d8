package dev.kvmigrate.importer.transfer;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.kvmigrate.importer.format.ZeroBlocks;
import dev.kvmigrate.importer.format.ZstdSparseWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** Turns data and zero runs into the bytes of a {@link WireEncoding}; {@link #finish()} ends the stream. */
public final class WireEncoder implements BlockVisitor {
    private final WireEncoding encoding;
    private final OutputStream out;
    private final ZstdSparseWriter sparse;
    private final AdaptiveZstdEncoder adaptive;
    private OutputStream compressor;
    private boolean compressorDirty;
    private boolean wroteAnything;

    public WireEncoder(WireEncoding encoding, OutputStream out) throws IOException {
        this.encoding = encoding;
        this.out = out;
        this.sparse = new ZstdSparseWriter(out);
        this.adaptive = encoding == WireEncoding.ZSTD_ADAPTIVE ? new AdaptiveZstdEncoder(out) : null;
        if (encoding == WireEncoding.GZIP) {
            compressor = new GZIPOutputStream(out, 256 * 1024) {
                {
                    def.setLevel(Deflater.BEST_SPEED);
                }
            };
        } else if (encoding == WireEncoding.ZSTD) {
            compressor = new ZstdOutputStreamNoFinalizer(out, 1).setCloseFrameOnFlush(true);
        }
    }

    @Override
    public void data(long offset, byte[] buf, int off, int len) throws IOException {
        wroteAnything = true;
        switch (encoding) {
            case RAW -> out.write(buf, off, len);
            case ZSTD_SPARSE -> sparse.raw(buf, off, len);
            case ZSTD_ADAPTIVE -> adaptive.data(offset, buf, off, len);
            case ZSTD -> {
                sparse.endFrame();
                compressor.write(buf, off, len);
                compressorDirty = true;
            }
            case GZIP -> compressor.write(buf, off, len);
        }
    }

    @Override
    public void zeros(long offset, long length) throws IOException {
        wroteAnything = true;
        switch (encoding) {
            case RAW -> writeZeros(out, length);
            case ZSTD_SPARSE -> sparse.zeros(length);
            case ZSTD_ADAPTIVE -> adaptive.zeros(offset, length);
            case ZSTD -> {
                if (compressorDirty) {
                    compressor.flush(); // ends the compressed frame; the hole goes as its own RLE frame
                    compressorDirty = false;
                }
                sparse.zeros(length);
            }
            case GZIP -> writeZeros(compressor, length);
        }
    }

    private static void writeZeros(OutputStream to, long length) throws IOException {
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(ZeroBlocks.BLOCK, left);
            to.write(ZeroBlocks.zeros(), 0, n);
            left -= n;
        }
    }

    /** Ends the last frame / member; the underlying stream stays open. */
    public void finish() throws IOException {
        switch (encoding) {
            case RAW -> { }
            case ZSTD_SPARSE -> {
                sparse.startFrame(); // an empty disk still sends one (empty) frame
                sparse.endFrame();
            }
            case ZSTD_ADAPTIVE -> adaptive.finish();
            case ZSTD -> {
                if (!wroteAnything) {
                    sparse.startFrame(); // an empty disk still sends one (empty) frame
                }
                sparse.endFrame();
                if (compressorDirty) {
                    ((ZstdOutputStreamNoFinalizer) compressor).closeWithoutClosingParentStream();
                }
            }
            case GZIP -> ((GZIPOutputStream) compressor).finish();
        }
        out.flush();
    }

    /** Releases what the encoder holds (compression threads); after {@link #finish()} or a failure. */
    public void close() {
        if (adaptive != null) {
            adaptive.close();
        }
    }

    /** For {@link WireEncoding#ZSTD_ADAPTIVE}: the levels used and the link estimate; empty otherwise. */
    public java.util.Optional<Sent.Adaptation> adaptation() {
        return adaptive == null ? java.util.Optional.empty()
                : java.util.Optional.of(new Sent.Adaptation(adaptive.levels(), adaptive.linkBytesPerSecond()));
    }
}
