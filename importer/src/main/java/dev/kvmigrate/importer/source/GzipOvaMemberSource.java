package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.ByteSize;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.io.CountingInputStream;
import dev.kvmigrate.common.ova.OvaMember;
import dev.kvmigrate.common.ova.OvaMemberPolicy;
import dev.kvmigrate.common.ova.OvaTarReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A disk member of a gzip-compressed OVA ({@code .ova} or {@code .ova.gz} whose bytes are gzip of the tar),
 * streamed: every {@link #open()} decompresses the archive from its start through the shared {@link OvaTarReader}
 * and hands out the member's bytes as they pass, ending where the member ends. Nothing is extracted and memory stays
 * flat. A consumer that must seek (qemu-img converting qcow2 or VMDK to raw) asks for a {@link ScratchCopy}, written
 * sparse into the scratch directory.
 *
 * <p>The member is found under the shared member policy, the same refusals as the scan (climbing or absolute names,
 * links, devices, duplicate names, a gzip stream that inflates like a bomb); finding it walks the whole archive
 * once, since a second member of the same name may come last.
 */
public final class GzipOvaMemberSource implements ScratchCopySource {
    private final Path ova;
    private final String member;
    private final Optional<Path> scratch;
    private final long size;
    private final Optional<KvMigrateException> unread;

    /**
     * Finds the member (reading the whole archive once).
     *
     * @param scratch where a sparse temporary copy may go when a consumer must seek; empty = refuse such consumers
     * @throws KvMigrateException when the OVA is unreadable before the member, breaks a bound, has no such member,
     *     or the policy refuses the member
     */
    public GzipOvaMemberSource(Path ova, String member, Optional<Path> scratch) {
        this.ova = Objects.requireNonNull(ova, "ova");
        this.member = Objects.requireNonNull(member, "member");
        this.scratch = Objects.requireNonNull(scratch, "scratch");
        OvaArchive.Found found = OvaArchive.find(ova, member);
        this.size = found.member().size();
        // the archive is damaged after the member's header: reading the member reports it, with the member's name
        this.unread = found.unread();
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
        String wanted = OvaMemberPolicy.normalize(member);
        OvaTarReader tar = OvaTarReader.open(ova);
        try {
            for (Optional<OvaMember> next = tar.next(); next.isPresent(); next = tar.next()) {
                OvaMember m = next.get();
                if (m.name().equals(wanted)) {
                    m.requireUsable();
                    if (m.size() != size) {
                        throw new IOException("OVA " + ova + " changed while importing: member " + member + " is now "
                                + m.size() + " bytes, it was " + size);
                    }
                    return new MemberStream(tar);
                }
            }
            throw new IOException("OVA " + ova + " changed while importing: member " + member + " is gone");
        } catch (KvMigrateException e) {
            tar.close();
            throw new IOException(e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            tar.close();
            throw e;
        }
    }

    /**
     * The member's bytes from the shared reader; closing closes the archive. When finding the member could not read
     * the archive to its end, the damage is reported where the member's bytes run into it, or at the member's last
     * byte at the latest: an import never completes without the whole archive read once.
     */
    private final class MemberStream extends CountingInputStream {
        private final OvaTarReader tar;

        MemberStream(OvaTarReader tar) {
            super(tar.stream());
            this.tar = tar;
        }

        @Override
        protected void passed(long n) throws IOException {
            if (count() == size && unread.isPresent()) {
                throw new IOException(unread.get().getMessage(), unread.get());
            }
        }

        @Override
        public void close() {
            tar.close();
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
}

