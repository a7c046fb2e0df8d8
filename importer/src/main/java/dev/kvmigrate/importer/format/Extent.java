package dev.kvmigrate.importer.format;

/**
 * A byte range of an image that holds data (the rest reads as zeros).
 *
 * @param offset first byte, relative to the start of the image
 * @param length number of bytes, positive
 */
public record Extent(long offset, long length) {
    public Extent {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("extent [" + offset + ", +" + length + ") is empty or negative");
        }
    }

    public long end() {
        return offset + length;
    }
}
