package dev.kvmigrate.importer.transfer;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.kvmigrate.common.image.Compression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.XZInputStream;

/** Opens the decompressed view of a compressed stream (gzip members, xz, zstd frames, bzip2 are all concatenable). */
public final class Unwrap {
    private Unwrap() {}

    public static InputStream open(InputStream in, Compression compression) throws IOException {
        InputStream buffered = new BufferedInputStream(in, 256 * 1024);
        return switch (compression) {
            case NONE -> buffered;
            case GZIP -> new GZIPInputStream(buffered, 256 * 1024);
            case XZ -> new XZInputStream(buffered);
            case ZSTD -> new ZstdInputStreamNoFinalizer(buffered).setContinuous(false);
            case BZIP2 -> new BZip2CompressorInputStream(buffered, true);
        };
    }
}
