package dev.kvmigrate.importer.format;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data extents of a local file as the filesystem knows them, through {@code lseek(SEEK_DATA/SEEK_HOLE)}
 * (Linux, via JNA; the JDK has no such call). Costs a few system calls per extent instead of reading holes.
 */
public final class SeekData {
    private static final Logger LOG = LoggerFactory.getLogger(SeekData.class);
    private static final int O_RDONLY = 0;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int ENXIO = 6;

    interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        long lseek(int fd, long offset, int whence) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final Optional<LibC> LIBC = load();

    private SeekData() {}

    private static Optional<LibC> load() {
        if (!Platform.isLinux()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Native.load("c", LibC.class));
        } catch (LinkageError e) {
            LOG.debug("libc not loadable through JNA, hole detection falls back to zero scanning: {}", e.toString());
            return Optional.empty();
        }
    }

    /**
     * Data extents of {@code file} within {@code [from, from + length)}, relative to {@code from}; empty when the
     * platform or filesystem cannot tell (the caller then scans every block).
     */
    public static Optional<List<Extent>> extents(Path file, long from, long length) {
        if (LIBC.isEmpty()) {
            return Optional.empty();
        }
        LibC c = LIBC.get();
        int fd;
        try {
            fd = c.open(file.toString(), O_RDONLY);
        } catch (LastErrorException e) {
            return Optional.empty();
        }
        try {
            List<Extent> out = new ArrayList<>();
            long end = from + length;
            long pos = from;
            while (pos < end) {
                long data;
                try {
                    data = c.lseek(fd, pos, SEEK_DATA);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == ENXIO) {
                        break; // no data after pos
                    }
                    return Optional.empty();
                }
                if (data >= end) {
                    break;
                }
                long hole = c.lseek(fd, data, SEEK_HOLE);
                long stop = Math.min(hole, end);
                out.add(new Extent(data - from, stop - data));
                pos = stop;
            }
            return Optional.of(List.copyOf(out));
        } catch (LastErrorException e) {
            return Optional.empty();
        } finally {
            c.close(fd);
        }
    }
}
