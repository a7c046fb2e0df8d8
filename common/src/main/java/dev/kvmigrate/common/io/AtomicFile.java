package dev.kvmigrate.common.io;

import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a whole file or nothing. The text goes to a hidden sibling ({@code .NAME.RANDOM.tmp}, same directory, so
 * same file system), which is forced to disk and then renamed over {@code file} atomically; the directory is
 * forced too, so the rename survives a crash. Readers see the old content or the new, never a part; on failure
 * the old file is untouched and the sibling removed. Missing parent directories are created.
 */
public final class AtomicFile {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFile.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    /** Who may read the written file (POSIX file systems; the process umask still applies, as for any file). */
    public enum Access {
        /** {@code rw-r--r--} (0644): outputs meant for people and tools, such as reports, manifests, plans. */
        SHARED("rw-r--r--"),
        /** {@code rw-------} (0600): files that hold or point at secrets. */
        OWNER_ONLY("rw-------");

        private final String permissions;

        Access(String permissions) {
            this.permissions = permissions;
        }
    }

    private AtomicFile() {}

    /** Writes {@code text} as UTF-8 to {@code file}, readable by all ({@link Access#SHARED}). */
    public static void write(Path file, String text) {
        write(file, text, Access.SHARED);
    }

    /**
     * Writes {@code text} as UTF-8 to {@code file} with {@code access}, replacing any file there.
     *
     * @throws KvMigrateException (I/O) naming the file when it cannot be written; the old file is then untouched
     */
    public static void write(Path file, String text, Access access) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = dir.resolve("." + target.getFileName() + "." + HexFormat.of().toHexDigits(RANDOM.nextInt())
                + ".tmp");
        try {
            Files.createDirectories(dir);
            Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            FileAttribute<?>[] attributes = POSIX
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString(access.permissions))}
                    : new FileAttribute<?>[0];
            try (FileChannel ch = FileChannel.open(tmp, options, attributes)) {
                ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw KvMigrateException.io("cannot write " + file + ": " + e.getMessage()
                    + "; check that its directory is writable and has space", e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                LOG.debug("could not remove the temporary file {}: {}", tmp, e.getMessage());
            }
        }
        forceDirectory(dir);
    }

    /** Makes the rename durable. Best effort: some platforms and file systems cannot open or force a directory. */
    private static void forceDirectory(Path dir) {
        if (!POSIX) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.debug("could not force directory {} to disk: {}", dir, e.getMessage());
        }
    }
}
