package dev.kvmigrate.importer.source;

/** A source whose bytes are a range of a local file: read in place, holes found by the filesystem. */
public interface SeekableImageSource extends ImageSource {
    FileSlice slice();
}
