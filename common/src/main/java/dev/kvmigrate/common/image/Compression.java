package dev.kvmigrate.common.image;

/** Stream compression wrapped around an image, recognised by magic bytes. */
public enum Compression {
    NONE,
    GZIP,
    XZ,
    ZSTD,
    BZIP2
}
