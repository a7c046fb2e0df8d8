package dev.kvmigrate.common.ova;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.io.BulkInputStream;
import dev.kvmigrate.common.io.CountingInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The one reader of OVA tars, for the scan and the import alike: a single forward pass over a plain tar or a
 * gzip-compressed one (told apart by the file's first bytes, never its name), handing out every member judged by
 * {@link OvaMemberPolicy} and, for a usable member, a stream of exactly its bytes. Nothing is extracted or written.
 *
 * <p>A plain tar is read in place: members' data offsets are reported and members nobody reads are skipped by seeking,
 * so a walk costs one read per header. A gzip-compressed tar is inflated as it goes, within the bounds below.
 *
 * <p>Bounds, whatever the archive claims: at most {@link #MAX_MEMBERS} entries; extension headers (PAX, GNU long
 * names) of at most {@link #MAX_EXTENSION_HEADER} bytes, at most {@link #MAX_EXTENSION_CHAIN} before one entry and
 * {@link #MAX_GLOBAL_HEADERS} in all; a gzip stream may inflate to {@link #INFLATE_FLOOR} bytes freely, beyond that
 * only while it stays under {@link #MAX_INFLATE_RATIO} times the compressed bytes read.
 *
 * <p>Errors are {@link KvMigrateException#invalidInput(String) invalid input} naming the OVA, the member and the fix.
 * A failure to read the archive's bytes (truncated, corrupt) carries the {@link IOException} as its cause; a refusal
 * by policy or bound carries none.
 */
public final class OvaTarReader implements Closeable {
    /** Entries an OVA may hold: a descriptor, a manifest, a certificate and the disks are tens, never a thousand. */
    public static final int MAX_MEMBERS = 1_000;
    /** One PAX or GNU long-name header: a name of {@link OvaMemberPolicy#MAX_NAME} characters fits several times. */
    public static final int MAX_EXTENSION_HEADER = 256 * 1024;
    /** Extension headers in a row before one entry (real tars write one or two). */
    public static final int MAX_EXTENSION_CHAIN = 8;
    /** PAX global headers in one archive (real tars write none or one). */
    public static final int MAX_GLOBAL_HEADERS = 8;
    /** Bytes a gzip stream may inflate to before its ratio is watched. */
    public static final long INFLATE_FLOOR = 512L * 1024 * 1024;
    /**
     * Inflated bytes per compressed byte, watched beyond {@link #INFLATE_FLOOR} over everything read so far. Deflate
     * cannot exceed about 1,032:1, which only runs of one byte value reach; an OVA's descriptor and disks
     * (streamOptimized VMDK and qcow2 are compact already, a raw disk with data stays under a few hundred to one)
     * stay below, so past 500:1 the stream is a decompression bomb or an archive of nothing but zeros (a blank raw
     * disk, better shipped in a plain tar, which is read in place). The margin under deflate's ceiling lets a bomb
     * at the ceiling be caught soon after the floor; and whatever the file, a walk inflates at most this many times
     * its size.
     */
    public static final int MAX_INFLATE_RATIO = 500;

    private final Path ova;
    private final boolean gzip;
    private final long fileLength;
    private final FileSource file;
    private final InflateGuard inflated;
    private final GuardedTar tar;
    private final Set<String> names = new HashSet<>();
    private int entries;
    private String last;
    private OvaMember current;

    private OvaTarReader(Path ova, boolean gzip, long fileLength, FileSource file, InflateGuard inflated,
            GuardedTar tar) {
        this.ova = ova;
        this.gzip = gzip;
        this.fileLength = fileLength;
        this.file = file;
        this.inflated = inflated;
        this.tar = tar;
    }

    /**
     * Opens an OVA for one pass.
     *
     * @throws KvMigrateException invalid input when the path is not a regular file, I/O error when it cannot be read
     */
    public static OvaTarReader open(Path ova) {
        requireFile(ova);
        boolean gzip = isGzip(ova);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(ova, StandardOpenOption.READ);
            FileSource file = new FileSource(ch);
            if (!gzip) {
                return new OvaTarReader(ova, false, ch.size(), file, null, new GuardedTar(file, file, ova));
            }
            // no read-ahead of our own: the compressed count stays within gzip's 8 KiB buffer of the truth
            InputStream gz = GzipCompressorInputStream.builder()
                    .setInputStream(file)
                    .setDecompressConcatenated(true) // concatenated gzip members (pigz, appended streams) form one tar
                    .get();
            InflateGuard inflated = new InflateGuard(gz, file, ova);
            return new OvaTarReader(ova, true, ch.size(), file, inflated, new GuardedTar(inflated, file, ova));
        } catch (IOException e) {
            closeQuietly(ch);
            throw unreadable(ova, gzip, null, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /**
     * Whether the file starts with gzip's magic bytes (an {@code .ova} or {@code .ova.gz} holding a gzip'd tar).
     *
     * @throws KvMigrateException invalid input when the path is not a regular file, I/O error when it cannot be read
     */
    public static boolean isGzip(Path ova) {
        requireFile(ova);
        try (InputStream in = Files.newInputStream(ova)) {
            byte[] m = in.readNBytes(2);
            return m.length == 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b;
        } catch (IOException e) {
            throw KvMigrateException.io("OVA " + ova + ": cannot read it (" + e.getMessage()
                    + "); check the path and permissions", e);
        }
    }

    private static void requireFile(Path ova) {
        if (!Files.isRegularFile(ova)) {
            throw KvMigrateException.invalidInput("OVA " + ova + " does not exist or is not a file");
        }
    }

    public Path path() {
        return ova;
    }

    /** Whether the archive is gzip-compressed (members then have no data offset). */
    public boolean gzip() {
        return gzip;
    }

    /**
     * The next member in archive order, judged by the policy; empty at the end of the archive. Directories are passed
     * over unless their name is refused. A member left unread is skipped.
     *
     * @throws KvMigrateException invalid input when the archive is unreadable, truncated or breaks a bound
     */
    public Optional<OvaMember> next() {
        current = null;
        try {
            while (true) {
                file.skipping(!gzip);
                TarArchiveEntry e = tar.getNextEntry();
                file.skipping(false);
                if (e == null) {
                    return Optional.empty();
                }
                if (++entries > MAX_MEMBERS) {
                    throw KvMigrateException.invalidInput("OVA " + ova + " holds more than " + MAX_MEMBERS
                            + " entries; no exporter writes that many, so the archive is refused as hostile or"
                            + " corrupt: re-export the VM");
                }
                last = e.getName();
                if (e.getSize() < 0) {
                    throw KvMigrateException.invalidInput(OvaMemberPolicy.refusal(ova, last,
                            "has a negative size", "the tar header is corrupt: re-export the OVA"));
                }
                String name = OvaMemberPolicy.normalize(last);
                boolean seen = !e.isDirectory() && name.length() <= OvaMemberPolicy.MAX_NAME && !names.add(name);
                Optional<String> refusal = OvaMemberPolicy.problem(ova, e, seen);
                if (e.isDirectory() && refusal.isEmpty()) {
                    continue;
                }
                OptionalLong offset = OptionalLong.empty();
                if (!gzip) {
                    long at = file.position();
                    if (at + e.getSize() > fileLength) {
                        throw KvMigrateException.invalidInput("OVA " + ova + ": member '"
                                + OvaMemberPolicy.shown(last) + "' ends at byte " + (at + e.getSize())
                                + " but the file has " + fileLength + " bytes; the archive is truncated: copy it"
                                + " again");
                    }
                    offset = OptionalLong.of(at);
                }
                current = new OvaMember(name, e.getSize(), offset, refusal);
                return Optional.of(current);
            }
        } catch (LimitException e) {
            throw KvMigrateException.invalidInput(e.getMessage());
        } catch (IOException e) {
            throw unreadable(ova, gzip, last, e);
        } catch (IllegalArgumentException e) {
            throw KvMigrateException.invalidInput("OVA " + ova + (last == null ? "" : ", after member '"
                    + OvaMemberPolicy.shown(last) + "'") + ": malformed tar header (" + e.getMessage()
                    + "); the archive is corrupt: copy or export it again", e);
        } finally {
            file.skipping(false);
        }
    }

    /**
     * The bytes of the member {@link #next()} returned last: exactly {@link OvaMember#size()} bytes, then the end;
     * an archive that ends sooner is an error, not an early end. Closing it leaves this reader open; it is good until
     * the next call of {@link #next()}.
     *
     * @throws KvMigrateException the policy's refusal when it refuses the member
     * @throws IllegalStateException when there is no current member
     */
    public InputStream stream() {
        if (current == null) {
            throw new IllegalStateException("OVA " + ova + ": no current member; call next() first");
        }
        current.requireUsable();
        return new MemberStream(current);
    }

    @Override
    public void close() {
        try {
            tar.close();
        } catch (IOException e) {
            // read-only: nothing is lost
        }
    }

    private String readHint() {
        return gzip ? "is the archive complete? check it with 'gzip -t " + ova + "'"
                : "the archive is damaged or truncated: copy it again";
    }

    private static KvMigrateException unreadable(Path ova, boolean gzip, String after, IOException e) {
        return KvMigrateException.invalidInput("OVA " + ova + (after == null ? "" : ", after member '"
                + OvaMemberPolicy.shown(after) + "'") + ": not a readable " + (gzip ? "gzip-compressed " : "")
                + "tar archive (" + describe(e) + "); check that the file is a complete OVA"
                + (gzip ? ": 'gzip -t " + ova + "'" : ""), e);
    }

    private static String describe(IOException e) {
        return e instanceof EOFException || e.getMessage() == null ? "it ends too early" : e.getMessage();
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    /** One member's bytes, bounded to its size; a short archive is an error. */
    private final class MemberStream extends BulkInputStream {
        private final OvaMember member;
        private long read;

        MemberStream(OvaMember member) {
            this.member = member;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (current != member) {
                throw new IOException("OVA " + ova + ": member '" + OvaMemberPolicy.shown(member.name())
                        + "' is no longer current; the reader has moved on");
            }
            if (len == 0) {
                return 0;
            }
            long left = member.size() - read;
            if (left <= 0) {
                return -1;
            }
            int n;
            try {
                n = tar.read(b, off, (int) Math.min(len, left));
            } catch (LimitException e) {
                throw e;
            } catch (IOException e) {
                throw new IOException("OVA " + ova + ": reading member '" + OvaMemberPolicy.shown(member.name())
                        + "' failed after " + read + " of " + member.size() + " bytes (" + describe(e) + "); "
                        + readHint(), e);
            }
            if (n < 0) {
                throw new EOFException("OVA " + ova + " is truncated: member '" + OvaMemberPolicy.shown(member.name())
                        + "' ends after " + read + " of " + member.size() + " bytes; " + readHint());
            }
            read += n;
            return n;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(tar.available(), member.size() - read);
        }
    }

    /** The OVA file as a stream with a position; while skipping, reads advance the position without reading. */
    private static final class FileSource extends BulkInputStream {
        private final SeekableByteChannel ch;
        private boolean skipping;

        FileSource(SeekableByteChannel ch) {
            this.ch = ch;
        }

        void skipping(boolean on) {
            skipping = on;
        }

        long position() throws IOException {
            return ch.position();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (skipping) {
                long left = ch.size() - ch.position();
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                ch.position(ch.position() + n);
                return n;
            }
            return ch.read(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public long skip(long n) throws IOException {
            long s = Math.max(0, Math.min(n, ch.size() - ch.position()));
            ch.position(ch.position() + s);
            return s;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    /** Counts inflated bytes and stops a stream that inflates past the floor and the ratio. */
    private static final class InflateGuard extends CountingInputStream {
        private final FileSource compressed;
        private final Path ova;

        InflateGuard(InputStream in, FileSource compressed, Path ova) {
            super(in);
            this.compressed = compressed;
            this.ova = ova;
        }

        @Override
        protected void passed(long n) throws IOException {
            long count = count();
            if (count > INFLATE_FLOOR) {
                long packed = Math.max(1, compressed.position());
                if (count / packed > MAX_INFLATE_RATIO) {
                    throw new LimitException("OVA " + ova + ": its gzip stream inflates to more than "
                            + MAX_INFLATE_RATIO + " times its compressed size (" + count + " bytes from " + packed
                            + " so far): a decompression bomb, or an archive of nothing but zeros; refused. If you"
                            + " trust the file, decompress it once ('gunzip -c " + ova + " > VM.ova', minding the"
                            + " free space) and give the plain OVA, whose members are read in place");
                }
            }
        }
    }

    /** The tar reader, with every header checked before commons-compress acts on it. */
    private static final class GuardedTar extends TarArchiveInputStream {
        private final FileSource file;
        private final Path ova;
        private int chain;
        private int globals;

        GuardedTar(InputStream in, FileSource file, Path ova) {
            super(in);
            this.file = file;
            this.ova = ova;
        }

        /** Every header passes here: the skip of the previous member's data is over, so bytes are read again. */
        @Override
        protected byte[] readRecord() throws IOException {
            file.skipping(false);
            byte[] record = super.readRecord();
            if (record != null && record.length >= 512 && TarUtils.verifyCheckSum(record)) {
                check(record);
            }
            return record;
        }

        /** Bounds extension headers, whose bodies commons-compress would read whole into memory. */
        private void check(byte[] header) throws IOException {
            byte type = header[TarConstants.NAMELEN + TarConstants.MODELEN + TarConstants.UIDLEN
                    + TarConstants.GIDLEN + TarConstants.SIZELEN + TarConstants.MODTIMELEN + TarConstants.CHKSUMLEN];
            boolean extension = type == TarConstants.LF_PAX_EXTENDED_HEADER_LC
                    || type == TarConstants.LF_PAX_EXTENDED_HEADER_UC
                    || type == TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER
                    || type == TarConstants.LF_GNUTYPE_LONGNAME || type == TarConstants.LF_GNUTYPE_LONGLINK;
            if (!extension) {
                chain = 0;
                return;
            }
            long size;
            try {
                size = TarUtils.parseOctalOrBinary(header,
                        TarConstants.NAMELEN + TarConstants.MODELEN + TarConstants.UIDLEN + TarConstants.GIDLEN,
                        TarConstants.SIZELEN);
            } catch (IllegalArgumentException e) {
                throw new LimitException("OVA " + ova + ": a tar extension header has a malformed size ("
                        + e.getMessage() + "); the archive is corrupt: copy or export it again");
            }
            if (size < 0 || size > MAX_EXTENSION_HEADER) {
                throw new LimitException("OVA " + ova + ": a tar extension header (type '" + (char) type + "') of "
                        + size + " bytes (limit " + MAX_EXTENSION_HEADER + "); no real OVA has one, the archive is"
                        + " refused as hostile or corrupt: re-export the VM");
            }
            if (++chain > MAX_EXTENSION_CHAIN) {
                throw new LimitException("OVA " + ova + ": more than " + MAX_EXTENSION_CHAIN + " tar extension"
                        + " headers in a row; the archive is refused as hostile or corrupt: re-export the VM");
            }
            if (type == TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER && ++globals > MAX_GLOBAL_HEADERS) {
                throw new LimitException("OVA " + ova + ": more than " + MAX_GLOBAL_HEADERS + " PAX global headers;"
                        + " the archive is refused as hostile or corrupt: re-export the VM");
            }
        }
    }

    /** A bound was broken: the message is complete and final. */
    private static final class LimitException extends IOException {
        private static final long serialVersionUID = 1L;

        LimitException(String message) {
            super(message);
        }
    }
}
