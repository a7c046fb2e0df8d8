package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * What every OVA member source shares: which kind of archive a file is (by its bytes, never its name), which
 * member names are acceptable, and which tar entries can hold a disk. Member names are matched exactly and never
 * resolved as paths; names that would climb out of a directory, absolute names, links and devices are refused.
 */
final class OvaArchive {
    private OvaArchive() {}

    /** The source for {@code member} of {@code ova}: read in place for a plain tar, streamed through gzip otherwise. */
    static ImageSource member(Path ova, String member, Optional<Path> scratch) {
        return isGzip(ova) ? new GzipOvaMemberSource(ova, member, scratch) : new OvaEntrySource(ova, member);
    }

    /** Whether the file starts with gzip's magic bytes (an {@code .ova} or {@code .ova.gz} holding a gzip'd tar). */
    static boolean isGzip(Path ova) {
        requireFile(ova);
        try (InputStream in = Files.newInputStream(ova)) {
            byte[] m = in.readNBytes(2);
            return m.length == 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b;
        } catch (IOException e) {
            throw KvMigrateException.io("OVA " + ova + ": cannot read it (" + e.getMessage()
                    + "); check the path and permissions", e);
        }
    }

    static void requireFile(Path ova) {
        if (!Files.isRegularFile(ova)) {
            throw KvMigrateException.invalidInput("OVA " + ova + " does not exist or is not a file", null);
        }
    }

    /** Refuses member names no exporter writes for a disk: empty, absolute, climbing ({@code ..}) or with NUL. */
    static void checkName(Path ova, String member) {
        String why = member.isEmpty() ? "is empty"
                : member.indexOf('\0') >= 0 ? "contains a NUL character"
                : member.startsWith("/") || member.startsWith("\\") || member.matches("^[A-Za-z]:[/\\\\].*")
                        ? "is absolute"
                : List.of(member.split("[/\\\\]")).contains("..") ? "climbs out of the archive with '..'"
                : null;
        if (why != null) {
            throw KvMigrateException.invalidInput("OVA " + ova + ": member name '" + member + "' " + why
                    + "; refusing it (OVA disks are plain members such as 'vm-disk1.vmdk')", null);
        }
    }

    /** Refuses an entry that cannot hold a disk's bytes: links, devices, FIFOs, directories, sparse members. */
    static void checkEntry(Path ova, TarArchiveEntry e) {
        String kind = e.isSymbolicLink() ? "a symbolic link to '" + e.getLinkName() + "'"
                : e.isLink() ? "a hard link to '" + e.getLinkName() + "'"
                : e.isCharacterDevice() ? "a character device"
                : e.isBlockDevice() ? "a block device"
                : e.isFIFO() ? "a FIFO"
                : e.isDirectory() ? "a directory"
                : e.isSparse() ? "a sparse tar member"
                : isRegular(e.getLinkFlag()) ? null
                : "a tar entry of type '" + (char) e.getLinkFlag() + "'";
        if (kind != null) {
            throw KvMigrateException.invalidInput("OVA " + ova + ": member " + e.getName() + " is " + kind
                    + ", not a regular file; it cannot be a disk image (re-export the OVA with the disk stored as a"
                    + " plain file)", null);
        }
    }

    private static boolean isRegular(byte flag) {
        return flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM || flag == TarConstants.LF_CONTIG;
    }

    static KvMigrateException noSuchMember(Path ova, String member, List<String> names) {
        return KvMigrateException.invalidInput("OVA " + ova + " has no member named '" + member + "' (names match"
                + " exactly); it holds " + names, null);
    }
}
