package dev.kvmigrate.importer.source;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A byte range of a local file: a whole image file, or an OVA member read in place.
 *
 * @param file the file
 * @param offset first byte of the range
 * @param length number of bytes
 */
public record FileSlice(Path file, long offset, long length) {
    public FileSlice {
        Objects.requireNonNull(file, "file");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException(file + ": negative range " + offset + "+" + length);
        }
    }
}
