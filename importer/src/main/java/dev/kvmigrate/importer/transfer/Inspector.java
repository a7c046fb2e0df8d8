package dev.kvmigrate.importer.transfer;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.image.Compression;
import dev.kvmigrate.common.image.ImageFormat;
import dev.kvmigrate.common.image.ImageInfo;
import dev.kvmigrate.common.image.ImageProbe;
import dev.kvmigrate.common.image.MalformedImageException;
import dev.kvmigrate.common.io.SliceChannel;
import dev.kvmigrate.importer.source.FileSlice;
import dev.kvmigrate.importer.source.ImageRefusal;
import dev.kvmigrate.importer.source.ImageSource;
import dev.kvmigrate.importer.source.SeekableImageSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Reads a source's header with {@link ImageProbe}: in place for local files, from the first MiB for streams,
 * and through the decompressor for compressed images. Only self-contained images pass: one with a backing file
 * (CDI refuses those too), a qcow2 external data file or VMDK extents in other files is refused here, before
 * {@code qemu-img} or anything else opens it, as is a header that is malformed or uses features we cannot check.
 */
public final class Inspector {
    private static final int HEAD = 1024 * 1024;

    private Inspector() {}

    public static InspectedImage inspect(ImageSource source) {
        if (source instanceof dev.kvmigrate.importer.source.ExtentSource e) {
            // Such a source serves guest-visible raw bytes by construction; its length is the disk size.
            return new InspectedImage(source, ImageFormat.RAW, Compression.NONE,
                    e.content().size().isPresent() ? Optional.of(e.content().size().getAsLong()) : Optional.empty());
        }
        try {
            ImageInfo outer = source instanceof SeekableImageSource s ? probeSlice(s.slice()) : probeHead(source);
            if (outer.compression() == Compression.NONE) {
                return checked(source, outer, outer.compression());
            }
            byte[] head;
            try (InputStream in = Unwrap.open(source.open(), outer.compression())) {
                head = in.readNBytes(HEAD);
            }
            ImageInfo inner = ImageProbe.probe(new SeekableInMemoryByteChannel(head));
            if (inner.compression() != Compression.NONE) {
                throw KvMigrateException.invalidInput("image " + source.name() + " is compressed twice ("
                        + outer.compression() + " around " + inner.compression() + "); unwrap it once first", null);
            }
            // Inside a compressed stream only a container's header tells the size; a raw stream's is unknown.
            Optional<Long> size = inner.format() == ImageFormat.RAW && head.length == HEAD
                    ? Optional.empty() : inner.virtualSize();
            return checked(source, new ImageInfo(inner.format(), outer.compression(), size, inner.backingFile(),
                    inner.externalFiles()), outer.compression());
        } catch (MalformedImageException e) {
            throw ImageRefusal.malformed(source.name(), e.getMessage(), e);
        } catch (IOException e) {
            throw KvMigrateException.invalidInput("image " + source.name() + ": cannot read its header ("
                    + e.getMessage() + "); is it a disk image?", e);
        }
    }

    private static InspectedImage checked(ImageSource source, ImageInfo info, Compression compression) {
        if (info.backingFile().isPresent()) {
            throw ImageRefusal.notSelfContained(source.name(), "its " + info.format().name().toLowerCase(Locale.ROOT)
                    + " header names a backing file", List.of(info.backingFile().get()));
        }
        if (!info.externalFiles().isEmpty()) {
            String what = info.format() == ImageFormat.QCOW2 ? "its qcow2 header names an external data file"
                    : "its VMDK descriptor names extents in other files";
            throw ImageRefusal.notSelfContained(source.name(), what, info.externalFiles());
        }
        return new InspectedImage(source, info.format(), compression, info.virtualSize());
    }

    private static ImageInfo probeSlice(FileSlice s) throws IOException {
        try (FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.READ)) {
            return ImageProbe.probe(new SliceChannel(ch, s.offset(), s.length()));
        }
    }

    private static ImageInfo probeHead(ImageSource source) throws IOException {
        byte[] head;
        try (InputStream in = source.open()) {
            head = in.readNBytes(HEAD);
        }
        ImageInfo info = ImageProbe.probe(new SeekableInMemoryByteChannel(head));
        OptionalLong length = source.length();
        if (info.compression() == Compression.NONE && info.format() == ImageFormat.RAW) {
            return new ImageInfo(info.format(), info.compression(),
                    length.isPresent() ? Optional.of(length.getAsLong()) : Optional.empty(), Optional.empty());
        }
        return info;
    }
}
