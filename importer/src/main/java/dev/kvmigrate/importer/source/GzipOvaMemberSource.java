package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.ByteSize;
import dev.kvmigrate.common.KvMigrateException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * A disk member of a gzip-compressed OVA ({@code .ova} or {@code .ova.gz} whose bytes are gzip of the tar),
 * streamed: every {@link #open()} decompresses the archive from its start and hands out the member's bytes as they
 * pass, ending where the member ends. Nothing is extracted and memory stays flat. A consumer that must seek (qemu-img
 * converting qcow2 or VMDK to raw) asks for a {@link ScratchCopy}, written sparse into the scratch directory.
 *
 * <p>The first entry with exactly the given name is taken, never resolved as a path; links, devices and other
 * non-regular entries are refused.
 */
public final class GzipOvaMemberSource implements ScratchCopySource {
    private static final int READ_BUFFER = 256 * 1024;

    private final Path ova;
    private final String member;
    private final Optional<Path> scratch;
    private final long size;

    /**
     * Finds the member (reading the archive up to it, or to the end when it is missing).
     *
     * @param scratch where a sparse temporary copy may go when a consumer must seek; empty = refuse such consumers
     * @throws KvMigrateException when the OVA is unreadable, has no such member, or the member is not a regular file
     */
    public GzipOvaMemberSource(Path ova, String member, Optional<Path> scratch) {
        this.ova = Objects.requireNonNull(ova, "ova");
        this.member = Objects.requireNonNull(member, "member");
        this.scratch = Objects.requireNonNull(scratch, "scratch");
        OvaArchive.checkName(ova, member);
        OvaArchive.requireFile(ova);
        this.size = locate();
    }

    private long locate() {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar = tar()) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getName().equals(member)) {
                    OvaArchive.checkEntry(ova, e);
                    return e.getSize();
                }
                names.add(e.getName());
            }
        } catch (IOException e) {
            throw KvMigrateException.invalidInput("OVA " + ova + " is not a readable gzip-compressed tar archive ("
                    + e.getMessage() + "); check that it is complete: 'gzip -t " + ova + "'", e);
        }
        throw OvaArchive.noSuchMember(ova, member, names);
    }

    private TarArchiveInputStream tar() throws IOException {
        InputStream file = Files.newInputStream(ova);
        try {
            // concatenated gzip members (pigz, appended streams) form one tar
            return new TarArchiveInputStream(GzipCompressorInputStream.builder()
                    .setInputStream(new BufferedInputStream(file, READ_BUFFER)).setDecompressConcatenated(true).get());
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return ova + "#" + member;
    }

    @Override
    public String diskName() {
        return DiskNames.fromFileName(member);
    }

    @Override
    public OptionalLong length() {
        return OptionalLong.of(size);
    }

    /** The member's bytes, decompressed from the archive's start; fails if the archive ends inside the member. */
    @Override
    public InputStream open() throws IOException {
        TarArchiveInputStream tar = tar();
        try {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getName().equals(member)) {
                    if (e.getSize() != size) {
                        throw new IOException("OVA " + ova + " changed while importing: member " + member + " is now "
                                + e.getSize() + " bytes, it was " + size);
                    }
                    return new MemberStream(tar);
                }
            }
            throw new IOException("OVA " + ova + " changed while importing: member " + member + " is gone");
        } catch (IOException | RuntimeException e) {
            tar.close();
            throw e;
        }
    }

    @Override
    public ScratchCopy copyToScratch(String reason) {
        Path dir = scratch.orElseThrow(() -> KvMigrateException.invalidInput("OVA " + ova + ": member " + member
                + " cannot be streamed here (" + reason + ") and the OVA is gzip-compressed, so it needs a sparse"
                + " scratch copy of " + size + " bytes (" + ByteSize.human(size) + "), but no scratch directory was"
                + " given: pass one (ImageSources.Context.withScratch(DIR), normally the target directory), or"
                + " decompress the OVA once ('gunzip -c " + ova + " > VM.ova'; a plain OVA's members are read in"
                + " place), or import into a cluster, where CDI converts the stream", null));
        return ScratchCopy.of(this, size, dir);
    }

    /** The current entry's bytes; a short entry is an error, not an early end; closing closes the archive. */
    private final class MemberStream extends FilterInputStream {
        private long left = size;

        MemberStream(TarArchiveInputStream tar) {
            super(tar);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (left <= 0) {
                return -1;
            }
            int n;
            try {
                n = in.read(b, off, (int) Math.min(len, left));
            } catch (IOException e) {
                String why = e instanceof EOFException ? "the archive ends there"
                        : e.getMessage() != null ? e.getMessage() : e.toString();
                throw new IOException("OVA " + ova + ": reading member " + member + " failed after " + (size - left)
                        + " of " + size + " bytes (" + why + "); is the archive complete? check it with 'gzip -t "
                        + ova + "'", e);
            }
            if (n < 0) {
                throw new IOException("OVA " + ova + " is truncated: member " + member + " ends after "
                        + (size - left) + " of " + size + " bytes");
            }
            left -= n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = in.skip(Math.min(Math.max(n, 0), left));
            left -= s;
            return s;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), left);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public synchronized void mark(int limit) {
            // not supported
        }

        @Override
        public synchronized void reset() throws IOException {
            throw new IOException("mark/reset not supported");
        }
    }
}
