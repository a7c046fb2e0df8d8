package dev.kvmigrate.importer.format;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few libc calls on files that the JDK lacks ({@code lseek} with {@code SEEK_DATA}/{@code SEEK_HOLE},
 * {@code sync_file_range}, {@code posix_fadvise}), through JNA on Linux; loaded once, empty elsewhere or where libc
 * does not load.
 */
public final class LinuxFiles {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxFiles.class);
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    /** {@code sync_file_range}: start writing back the range's dirty pages, without waiting for them. */
    public static final int SYNC_FILE_RANGE_WRITE = 2;

    /** The calls, as libc declares them (off64_t as long). */
    public interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        long lseek(int fd, long offset, int whence) throws LastErrorException;

        int sync_file_range(int fd, long offset, long nbytes, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        /** Returns 0 or an error number (it does not set {@code errno}). */
        int posix_fadvise(int fd, long offset, long len, int advice);
    }

    private static final Optional<LibC> LIBC = load();

    private LinuxFiles() {}

    public static Optional<LibC> libc() {
        return LIBC;
    }

    /** Closes a descriptor opened through {@link #libc()}; a failure (nothing to do about it) is logged. */
    public static void closeQuietly(int fd) {
        try {
            LIBC.orElseThrow().close(fd);
        } catch (LastErrorException e) {
            LOG.debug("close({}) failed: {}", fd, e.getMessage());
        }
    }

    private static Optional<LibC> load() {
        if (!Platform.isLinux()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Native.load("c", LibC.class));
        } catch (LinkageError e) {
            LOG.debug("libc not loadable through JNA: holes are found by zero scanning, writes are flushed whole: {}",
                    e.toString());
            return Optional.empty();
        }
    }
}
