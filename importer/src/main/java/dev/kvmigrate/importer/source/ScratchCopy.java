package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.ByteSize;
import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source's stored bytes landed in a sparse temporary file (all-zero 64 KiB blocks left as holes), so that a
 * consumer can seek in them. Lives in the scratch directory under a hidden {@code .kv-migrate-scratch-*} name;
 * {@link #close()} deletes it. Written only after checking that the directory has room for the bytes plus a
 * margin; removed when writing it fails.
 */
public final class ScratchCopy implements SeekableImageSource, AutoCloseable {
    /** Room kept free besides the copy: the larger of 64 MiB and 1 % of the copy. */
    static final long MIN_MARGIN = 64L << 20;

    private static final int BLOCK = 64 * 1024;
    private static final int CHUNK = 16 * BLOCK;
    private static final byte[] ZEROS = new byte[BLOCK];
    private static final Logger LOG = LoggerFactory.getLogger(ScratchCopy.class);

    private final ImageSource of;
    private final Path file;
    private final long length;

    private ScratchCopy(ImageSource of, Path file, long length) {
        this.of = of;
        this.file = file;
        this.length = length;
    }

    /**
     * Copies {@code source}'s {@code length} stored bytes into a new sparse file in {@code dir}.
     *
     * @throws KvMigrateException when {@code dir} has too little usable space, or reading or writing fails
     */
    public static ScratchCopy of(ImageSource source, long length, Path dir) {
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            requireSpace(source, length, dir, Files.getFileStore(dir).getUsableSpace());
            tmp = Files.createTempFile(dir, ".kv-migrate-scratch-", ".part");
            tmp.toFile().deleteOnExit(); // a killed JVM still leaves it: the name says what it was
            long copied = copySparse(source, tmp);
            if (copied != length) {
                throw new IOException("expected " + length + " bytes, the source gave " + copied);
            }
            return new ScratchCopy(source, tmp, length);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            if (e instanceof KvMigrateException k) {
                throw k;
            }
            throw KvMigrateException.io("image " + source.name() + ": copying it into a scratch file in " + dir
                    + " failed (" + e.getMessage() + "); check free space and permissions there", e);
        }
    }

    /** Bytes a scratch copy of {@code length} bytes asks to be free: the copy and the margin. */
    static long needed(long length) {
        return Math.addExact(length, Math.max(MIN_MARGIN, length / 100));
    }

    static void requireSpace(ImageSource source, long length, Path dir, long usable) {
        long need = needed(length);
        if (usable < need) {
            throw KvMigrateException.io("image " + source.name() + ": a scratch copy needs " + need + " bytes ("
                    + ByteSize.human(need) + ": " + length + " bytes of image plus margin) free in " + dir + ", which"
                    + " has " + usable + " (" + ByteSize.human(usable) + "); free space there or give a scratch"
                    + " directory on a larger filesystem", null);
        }
    }

    private static long copySparse(ImageSource source, Path tmp) throws IOException {
        byte[] buf = new byte[CHUNK];
        long pos = 0;
        try (InputStream in = source.open();
                FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            int n;
            while ((n = read(source, in, buf)) > 0) {
                for (int at = 0; at < n; at += BLOCK) {
                    int len = Math.min(BLOCK, n - at);
                    if (Arrays.mismatch(buf, at, at + len, ZEROS, 0, len) >= 0) {
                        ByteBuffer bb = ByteBuffer.wrap(buf, at, len);
                        long p = pos + at;
                        while (bb.hasRemaining()) {
                            p += out.write(bb, p);
                        }
                    }
                }
                pos += n;
                if (n < CHUNK) {
                    break;
                }
            }
        }
        try (RandomAccessFile raf = new RandomAccessFile(tmp.toFile(), "rw")) {
            raf.setLength(pos); // trailing holes
        }
        return pos;
    }

    /** A read failure is the source's fault, not the scratch directory's: say so. */
    private static int read(ImageSource source, InputStream in, byte[] buf) {
        try {
            return in.readNBytes(buf, 0, buf.length);
        } catch (IOException e) {
            // a damaged archive under the stream keeps its own verdict (invalid input), an unreadable file is I/O
            ExitCode code = causes(e).filter(KvMigrateException.class::isInstance)
                    .map(c -> ((KvMigrateException) c).exitCode()).findFirst().orElse(ExitCode.IO_ERROR);
            throw new KvMigrateException(code, "image " + source.name() + ": reading it for a scratch copy failed: "
                    + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
        }
    }

    private static Stream<Throwable> causes(Throwable t) {
        return Stream.iterate(t, Objects::nonNull, Throwable::getCause).limit(16);
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("cannot remove the scratch copy {} ({}); delete it by hand", p, e.getMessage());
        }
    }

    /** The temporary file. */
    public Path file() {
        return file;
    }

    @Override
    public String name() {
        return of.name();
    }

    @Override
    public String diskName() {
        return of.diskName();
    }

    @Override
    public OptionalLong length() {
        return OptionalLong.of(length);
    }

    @Override
    public InputStream open() throws IOException {
        return Files.newInputStream(file);
    }

    @Override
    public FileSlice slice() {
        return new FileSlice(file, 0, length);
    }

    /** Deletes the temporary file; safe to call more than once, never throws (a failure is logged). */
    @Override
    public void close() {
        deleteQuietly(file);
    }
}
