package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.ova.OvaMember;
import dev.kvmigrate.common.ova.OvaMemberPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * A disk member of a plain (uncompressed) OVA tar, read in place at the member's data offset: nothing is extracted,
 * and qemu-img reads container formats there too. The member is found by the shared OVA reader under its member
 * policy (the same refusals as the scan: climbing or absolute names, links, devices, duplicate names), never
 * resolved as a path. Gzip-compressed OVAs go through {@link GzipOvaMemberSource}.
 */
public final class OvaEntrySource implements SeekableImageSource {
    private final Path ova;
    private final String entry;
    private final FileSlice slice;

    public OvaEntrySource(Path ova, String entry) {
        this.ova = ova;
        this.entry = entry;
        this.slice = locate(ova, entry);
    }

    private static FileSlice locate(Path ova, String entry) {
        OvaMemberPolicy.requireSafeName(ova, entry);
        if (OvaArchive.isGzip(ova)) {
            throw KvMigrateException.invalidInput("OVA " + ova + " is gzip-compressed; its members cannot be read in"
                    + " place: open it through ImageSources (which streams it) or decompress it first", null);
        }
        OvaArchive.Found found = OvaArchive.find(ova, entry);
        found.unread().ifPresent(e -> {
            throw e;
        });
        OvaMember m = found.member();
        try {
            return new FileSlice(ova.toRealPath(), m.dataOffset().orElseThrow(), m.size());
        } catch (IOException e) {
            throw KvMigrateException.io("OVA " + ova + ": cannot resolve its path (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public String name() {
        return ova + "#" + entry;
    }

    @Override
    public String diskName() {
        return DiskNames.fromFileName(entry);
    }

    @Override
    public OptionalLong length() {
        return OptionalLong.of(slice.length());
    }

    @Override
    public InputStream open() throws IOException {
        SeekableByteChannel ch = FileChannel.open(ova, StandardOpenOption.READ).position(slice.offset());
        InputStream in = Channels.newInputStream(ch);
        return new java.io.FilterInputStream(in) {
            private long left = slice.length();

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(Math.min(n, left));
                left -= skipped;
                return skipped;
            }
        };
    }

    @Override
    public FileSlice slice() {
        return slice;
    }
}
