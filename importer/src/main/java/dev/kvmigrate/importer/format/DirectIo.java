package dev.kvmigrate.importer.format;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system calls behind {@link ExtentReader}: {@code pread(2)} and {@code cachestat(2)} bound directly (JNA direct
 * mapping: no proxy per call), and the choice of whether a file is read with {@code O_DIRECT} at all.
 */
final class DirectIo {
    private static final Logger LOG = LoggerFactory.getLogger(DirectIo.class);
    static final boolean AVAILABLE = register();
    /** cachestat's number, the same on every architecture (new system calls share one table since 5.x). */
    private static final long CACHESTAT = 451;
    /** Filesystems on local block devices, where a direct read is one request to the device. */
    private static final Set<String> LOCAL_BLOCK = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs");

    private DirectIo() {}

    static native long pread(int fd, long buf, long count, long offset) throws LastErrorException;

    static native long pwrite(int fd, long buf, long count, long offset) throws LastErrorException;

    static native long syscall(long number, long fd, Pointer range, Pointer stat, long flags);

    /**
     * Pages of [offset, offset + length) in the page cache, or -1 where cachestat(2) is missing; {@code m}: 56 bytes
     * of scratch (struct cachestat_range, then struct cachestat).
     */
    static long cached(int fd, long offset, long length, Memory m) {
        m.setLong(0, offset);
        m.setLong(8, length);
        long r = syscall(CACHESTAT, fd, m, m.share(16), 0);
        return r == 0 ? m.getLong(16) : -1;
    }

    /**
     * A descriptor of {@code file} opened with O_DIRECT where direct reads make sense (a local block filesystem, a
     * known O_DIRECT value) and cachestat answers on {@code fd}; else -1.
     */
    static int openDirect(Path file, int fd) {
        return open(file, fd, LinuxFiles.O_RDONLY);
    }

    /**
     * {@link #openDirect}, for writing ({@code O_WRONLY}): where the reads that verify what is written can be direct
     * too, so that neither fills the page cache.
     */
    static int openDirectForWriting(Path file, int fd) {
        return open(file, fd, LinuxFiles.O_WRONLY);
    }

    private static int open(Path file, int fd, int mode) {
        int flag = oDirect();
        if (flag == 0) {
            return -1;
        }
        try {
            if (!LOCAL_BLOCK.contains(Files.getFileStore(file).type().toLowerCase(Locale.ROOT))) {
                return -1;
            }
        } catch (IOException e) {
            return -1;
        }
        try (Memory scratch = new Memory(56)) {
            if (cached(fd, 0, ExtentReader.ALIGN, scratch) < 0) {
                return -1; // no cachestat(2): nothing tells which windows are cached
            }
        }
        try {
            return LinuxFiles.libc().get().open(file.toString(), mode | flag);
        } catch (LastErrorException e) {
            LOG.debug("{}: no O_DIRECT ({}); the page cache is used", file, e.getMessage());
            return -1;
        }
    }

    /** Linux's O_DIRECT where its value is known (x86-64, aarch64), else 0. */
    private static int oDirect() {
        if (!Platform.isLinux() || !Platform.is64Bit()) {
            return 0;
        }
        return Platform.isIntel() ? 0x4000 : Platform.isARM() ? 0x10000 : 0;
    }

    private static boolean register() {
        if (!Platform.isLinux()) {
            return false;
        }
        try {
            Native.register(DirectIo.class, "c");
            return true;
        } catch (LinkageError e) {
            LOG.debug("pread not bound through JNA ({}): reading through FileChannel", e.toString());
            return false;
        }
    }
}
