package dev.kvmigrate.importer.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A local daemon's volume read in place from its file ({@link LibvirtLocalFile}): the file's bytes as a local image
 * ({@link LocalFileSource}: stored bytes of any format, a raw volume's holes found by the filesystem), named and
 * closed as the volume.
 */
final class LibvirtLocalFileSource extends LibvirtHandleSource implements SeekableImageSource {
    private final LocalFileSource file;

    LibvirtLocalFileSource(LibvirtVolumeHandle h, Path file) {
        super(h);
        this.file = new LocalFileSource(file);
    }

    @Override
    public OptionalLong length() {
        return file.length();
    }

    @Override
    public InputStream open() throws IOException {
        return file.open();
    }

    @Override
    public FileSlice slice() {
        return file.slice();
    }
}
