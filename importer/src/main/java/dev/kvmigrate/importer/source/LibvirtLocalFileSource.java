package dev.kvmigrate.importer.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A local daemon's volume read in place from its file ({@link LibvirtLocalFile}): a local image to the importer
 * (stored bytes of any format, a raw volume's holes found by the filesystem), named and closed as the volume.
 */
final class LibvirtLocalFileSource extends LibvirtHandleSource implements SeekableImageSource {
    private final Path file;
    private final long length;

    LibvirtLocalFileSource(LibvirtVolumeHandle h, Path file, long length) {
        super(h);
        this.file = file;
        this.length = length;
    }

    @Override
    public OptionalLong length() {
        return OptionalLong.of(length);
    }

    @Override
    public InputStream open() throws IOException {
        return Files.newInputStream(file);
    }

    @Override
    public FileSlice slice() {
        return new FileSlice(file, 0, length);
    }
}
