package dev.kvmigrate.importer.format;

import com.sun.jna.LastErrorException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The data extents of a local file as the filesystem knows them, through {@code lseek(SEEK_DATA/SEEK_HOLE)}
 * (Linux, via JNA; the JDK has no such call). Costs a few system calls per extent instead of reading holes.
 */
public final class SeekData {
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int ENXIO = 6;

    private SeekData() {}

    /**
     * Data extents of {@code file} within {@code [from, from + length)}, relative to {@code from}; empty when the
     * platform or filesystem cannot tell (the caller then scans every block).
     */
    public static Optional<List<Extent>> extents(Path file, long from, long length) {
        if (LinuxFiles.libc().isEmpty()) {
            return Optional.empty();
        }
        LinuxFiles.LibC c = LinuxFiles.libc().get();
        int fd;
        try {
            fd = c.open(file.toString(), LinuxFiles.O_RDONLY);
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
            LinuxFiles.closeQuietly(fd);
        }
    }
}
