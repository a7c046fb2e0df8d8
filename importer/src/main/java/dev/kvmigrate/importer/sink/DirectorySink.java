package dev.kvmigrate.importer.sink;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.image.Compression;
import dev.kvmigrate.importer.ImportResult;
import dev.kvmigrate.importer.Phase;
import dev.kvmigrate.importer.ProgressListener;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.format.DirectWriter;
import dev.kvmigrate.importer.source.ScratchCopy;
import dev.kvmigrate.importer.source.ScratchCopySource;
import dev.kvmigrate.importer.source.SeekableImageSource;
import dev.kvmigrate.importer.transfer.BlockVisitor;
import dev.kvmigrate.importer.transfer.ContentDigest;
import dev.kvmigrate.importer.transfer.FileSliceContent;
import dev.kvmigrate.importer.transfer.InspectedImage;
import dev.kvmigrate.importer.transfer.Meter;
import dev.kvmigrate.importer.transfer.Transfer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The no-cluster target: each disk becomes {@code DIR/NAME.img}, a sparse raw image holding exactly the bytes
 * a PVC would. Written under a hidden temporary name, verified, then put in place: a crash or a failure leaves
 * nothing that looks complete. An existing {@code NAME.img} is never replaced unless the sink was made with
 * {@link #replacingExisting()}: the write is refused before a byte is read, and the final step links the image
 * into place, which fails rather than replaces when a file of that name appeared meanwhile. Data runs are written
 * with O_DIRECT where the filesystem allows ({@link DirectWriter}: a disk image is written once, its pages need not
 * fill this host's page cache) and read back the same way, as they are written ({@link ReadBack}).
 */
public final class DirectorySink implements VolumeSink {
    private enum Existing { REFUSE, REPLACE }

    private final Path dir;
    private final String name;
    private final Existing existing;

    /** Writes {@code dir/name.img}, refusing to replace a file of that name. */
    public DirectorySink(Path dir, String name) {
        this(dir, name, Existing.REFUSE);
    }

    private DirectorySink(Path dir, String name, Existing existing) {
        this.dir = dir;
        this.name = name;
        this.existing = existing;
    }

    /** Whether {@code qemu-img} runs here, found out once per process (see {@link #qemuImgInstalled()}). */
    private static volatile Boolean qemuImg;

    /**
     * Whether this machine's {@code qemu-img} runs: the sink converts container formats with it; without it, local
     * qcow2 images are read as raw in Java instead ({@code ImageSources.Context#withRawQcow2}). Asked once per process
     * (starting the first child process costs a JVM ~0.15 s): callers ask only when an image needs it.
     */
    public static boolean qemuImgInstalled() {
        Boolean known = qemuImg;
        if (known == null) {
            known = probeQemuImg();
            qemuImg = known;
        }
        return known;
    }

    private static boolean probeQemuImg() {
        try {
            Process p = new ProcessBuilder("qemu-img", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The same sink, allowed to replace an existing {@code name.img} (the user asked, e.g. {@code --overwrite}). */
    public DirectorySink replacingExisting() {
        return new DirectorySink(dir, name, Existing.REPLACE);
    }

    public Path file() {
        return dir.resolve(name + ".img");
    }

    @Override
    public String target() {
        return "dir:" + file();
    }

    @Override
    public ImportResult write(String disk, InspectedImage image, TransferSettings settings,
            ProgressListener listener) {
        long start = System.nanoTime();
        refuseExisting(disk);
        Path tmp = dir.resolve("." + name + ".img.partial-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.createDirectories(dir);
            listener.phase(disk, Phase.TRANSFER, "writing " + tmp.getFileName());
            Written w = image.isRaw() ? writeRaw(disk, image, settings, listener, tmp)
                    : convert(disk, image, tmp, listener);
            ReadBack.Verified read = w.readBack != null ? w.readBack : readWholeFile(disk, tmp, settings, listener);
            if (w.digest != null && !read.digest().equals(w.digest)) {
                throw KvMigrateException.targetError("disk " + disk + ": " + tmp + " reads back as " + read.digest()
                        + " but " + w.digest + " was written; the filesystem under " + dir + " lost data", null);
            }
            putInPlace(disk, tmp);
            listener.phase(disk, Phase.DONE, target());
            return new ImportResult(disk, image.source().name(), target(), ImportResult.Outcome.IMPORTED,
                    image.format().name().toLowerCase(Locale.ROOT), w.encoding, w.bytes, read.dataBytes(),
                    read.digest(), "disk", 1, (System.nanoTime() - start) / 1e9);
        } catch (IOException e) {
            throw KvMigrateException.io("disk " + disk + ": writing " + file() + " failed: " + e.getMessage()
                    + "; check free space and permissions in " + dir, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                listener.phase(disk, Phase.FAILED, "could not remove " + tmp + ": " + e.getMessage());
            }
        }
    }

    private void refuseExisting(String disk) {
        if (existing == Existing.REFUSE && Files.exists(file(), LinkOption.NOFOLLOW_LINKS)) {
            throw KvMigrateException.targetError("disk " + disk + ": " + file() + " already exists and is not"
                    + " replaced; move it away, choose another name (dir:PATH/NAME.img) or pass --overwrite", null);
        }
    }

    /** Moves the verified temporary file to {@link #file()}; without REPLACE never over an existing file. */
    private void putInPlace(String disk, Path tmp) throws IOException {
        if (existing == Existing.REPLACE) {
            Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        try {
            // link(2) fails when the name exists, where rename(2) would silently replace it.
            Files.createLink(file(), tmp);
            Files.delete(tmp);
        } catch (FileAlreadyExistsException e) {
            refuseExisting(disk);
            throw e;
        } catch (UnsupportedOperationException | IOException e) {
            // A filesystem without hard links: check, then a plain move (which refuses an existing target).
            refuseExisting(disk);
            Files.move(tmp, file());
        }
    }

    /** What was written: its size, digest and encoding, and its read-back when it was read back as it was written. */
    private record Written(long bytes, String digest, String encoding, ReadBack.Verified readBack) {}

    /** The whole file read back (after a conversion, or where the filesystem cannot tell where its data is). */
    private static ReadBack.Verified readWholeFile(String disk, Path tmp, TransferSettings settings,
            ProgressListener listener) throws IOException {
        listener.phase(disk, Phase.VERIFY, "reading " + tmp.getFileName() + " back");
        ContentDigest check = settings.checksum().start();
        DataBytes data = new DataBytes();
        new FileSliceContent(tmp, 0, Files.size(tmp)).accept(BlockVisitor.tee(check, data));
        return new ReadBack.Verified(check.finish(), data.bytes);
    }

    /**
     * Counts the bytes that hold data in the written file (neither holes nor zero blocks): what a directory target
     * reports as written, where a cluster target reports what crossed the wire.
     */
    private static final class DataBytes implements BlockVisitor {
        long bytes;

        @Override
        public void data(long offset, byte[] buf, int off, int len) {
            bytes += len;
        }

        @Override
        public void zeros(long offset, long length) {
            // holes and zero blocks are not written
        }
    }

    /** What follows a run reaching the file: data has its write-back started and is read back; zeros are counted. */
    private static DirectWriter.Runs written(Writeback writeback, ReadBack readBack) {
        return (offset, length, data) -> {
            if (data) {
                writeback.wrote(offset, length);
                readBack.data(offset, length);
            } else {
                readBack.zeros(offset, length);
            }
        };
    }

    private Written writeRaw(String disk, InspectedImage image, TransferSettings settings, ProgressListener listener,
            Path tmp) throws IOException {
        ContentDigest digest = settings.checksum().start();
        Meter meter = new Meter(disk, image.virtualSize().orElse(-1L), listener);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Writeback writeback = new Writeback(out, tmp);
                ReadBack readBack = new ReadBack(tmp, settings.checksum().start());
                DirectWriter direct = DirectWriter.open(tmp, out, written(writeback, readBack)).orElse(null)) {
            BlockVisitor writer = new BlockVisitor() {
                private final DirectWriter.Runs written = written(writeback, readBack);

                @Override
                public void data(long offset, byte[] buf, int off, int len) throws IOException {
                    settings.limiter().acquire(len);
                    if (direct != null) {
                        direct.data(offset, buf, off, len);
                    } else {
                        ByteBuffer bb = ByteBuffer.wrap(buf, off, len);
                        long at = offset;
                        while (bb.hasRemaining()) {
                            at += out.write(bb, at);
                        }
                        written.written(offset, len, true);
                    }
                    meterAdvance(meter, len);
                }

                @Override
                public void zeros(long offset, long length) throws IOException {
                    if (direct != null) {
                        direct.zeros(offset, length);
                    } else {
                        written.written(offset, length, false);
                    }
                    meterAdvance(meter, length);
                }
            };
            long size = Transfer.logical(image).accept(BlockVisitor.tee(digest, writer));
            if (direct != null) {
                direct.finish();
            }
            // Trailing holes: the file gets its full length without writing a byte.
            try (var raf = new java.io.RandomAccessFile(tmp.toFile(), "rw")) {
                raf.setLength(size);
            }
            writeback.finish();
            meter.report();
            // read back as it was written: what is left is the last runs, and asking where the file holds data
            listener.phase(disk, Phase.VERIFY, "reading " + tmp.getFileName() + " back as it was written");
            Optional<ReadBack.Verified> read;
            try {
                read = readBack.finish(size);
            } catch (IOException e) {
                throw KvMigrateException.targetError("disk " + disk + ": " + e.getMessage() + "; the filesystem under "
                        + dir + " did not keep what was written", e);
            }
            return new Written(size, digest.finish(), "sparse-write", read.orElse(null));
        }
    }

    private static void meterAdvance(Meter meter, long n) {
        meter.countContent(n);
    }

    private Written convert(String disk, InspectedImage image, Path tmp, ProgressListener listener) {
        if (image.compression() == Compression.NONE && image.source() instanceof SeekableImageSource s) {
            return convertSlice(disk, image, s, tmp);
        }
        if (image.compression() == Compression.NONE && image.source() instanceof ScratchCopySource c) {
            // A stream (a member of a gzip'd OVA) in a format qemu-img must seek in: a sparse local copy first.
            String why = "qemu-img must seek in this " + image.format() + " image to convert it to raw";
            listener.phase(disk, Phase.TRANSFER, "copying " + c.name() + " to a sparse scratch file (" + why + ")");
            try (ScratchCopy copy = c.copyToScratch(why)) {
                listener.phase(disk, Phase.TRANSFER, "converting scratch copy " + copy.file());
                try {
                    return convertSlice(disk, image, copy, tmp);
                } catch (KvMigrateException e) {
                    throw new KvMigrateException(e.exitCode(), "disk " + disk + ": converting the scratch copy of "
                            + c.name() + " failed: " + e.getMessage(), e);
                }
            }
        }
        throw KvMigrateException.invalidInput("disk " + disk + ": " + image.format() + " image "
                + image.source().name() + (image.compression() != Compression.NONE ? " is compressed" : " is a stream")
                + "; qemu-img needs it as a local uncompressed file to convert it to raw: decompress or download"
                + " it first, or import it into a cluster (CDI converts streams)", null);
    }

    private Written convertSlice(String disk, InspectedImage image, SeekableImageSource s, Path tmp) {
        QemuImg.convertToRaw(s.slice(), image.format(), tmp);
        if (!QemuImg.identical(s.slice(), image.format(), tmp)) {
            throw KvMigrateException.targetError("disk " + disk + ": qemu-img compare finds " + tmp
                    + " different from " + image.source().name() + " right after converting it", null);
        }
        try {
            return new Written(Files.size(tmp), null, "qemu-img", null);
        } catch (IOException e) {
            throw KvMigrateException.io("disk " + disk + ": cannot stat " + tmp, e);
        }
    }
}
