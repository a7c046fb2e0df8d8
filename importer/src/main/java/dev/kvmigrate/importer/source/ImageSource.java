package dev.kvmigrate.importer.source;

import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/**
 * Where an image's bytes come from. A source hands out its stored bytes (possibly compressed, possibly
 * qcow2) as a fresh stream for every attempt; it knows nothing of volumes. Sources that are a range of a
 * local file also implement {@link SeekableImageSource}.
 */
public interface ImageSource {
    /** A name for messages and results, never holding a secret (a path, a URL without credentials). */
    String name();

    /** The disk name suggested by the source (file name without image/compression extensions). */
    String diskName();

    /** Length of the stored bytes, when known before reading. */
    OptionalLong length();

    /** The stored bytes from the first; the caller closes the stream. */
    InputStream open() throws IOException;
}
