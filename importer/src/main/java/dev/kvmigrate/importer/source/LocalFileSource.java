package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** An image file on a local filesystem (raw, qcow2, vmdk, vhd(x), possibly gz/xz/zst-compressed). */
public final class LocalFileSource implements SeekableImageSource {
    private final Path file;
    private final long length;

    public LocalFileSource(Path file) {
        if (!Files.isRegularFile(file) && !Files.isSymbolicLink(file)) {
            throw KvMigrateException.invalidInput("image " + file + " does not exist or is not a regular file;"
                    + " give the path of a disk image", null);
        }
        try {
            this.file = file.toRealPath();
            this.length = Files.size(this.file);
        } catch (IOException e) {
            throw KvMigrateException.io("image " + file + ": cannot read it (" + e.getMessage()
                    + "); check the path and permissions", e);
        }
    }

    @Override
    public String name() {
        return file.toString();
    }

    @Override
    public String diskName() {
        return DiskNames.fromFileName(file.getFileName().toString());
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
