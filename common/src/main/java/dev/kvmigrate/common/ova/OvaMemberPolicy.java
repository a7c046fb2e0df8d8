package dev.kvmigrate.common.ova;

import dev.kvmigrate.common.KvMigrateException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The one rule set for OVA members, the same for the scan and the import. A member is usable only when its name is
 * relative, free of {@code ..}, not empty, without NUL and at most {@link #MAX_NAME} characters; when it is a regular
 * file (no link, device, FIFO or sparse member); and when no other member has the same name. Names are compared
 * after {@link #normalize(String) normalizing} ({@code \} as {@code /}, a leading {@code ./} dropped) and are never
 * resolved as paths. A refusal names the OVA, the member as written and the fix.
 */
public final class OvaMemberPolicy {
    /**
     * Longest member name accepted, in characters: the longest path any platform can name (Windows' extended-length
     * paths, 32,767 UTF-16 units; Linux's PATH_MAX is 4,096). Longer names exist only to bloat headers.
     */
    public static final int MAX_NAME = 32_767;

    private static final String NAME_FIX = "OVA members are plain relative names such as 'vm-disk1.vmdk':"
            + " re-export the OVA, or give the member's name as the archive lists it";
    private static final String TYPE_FIX = "it holds no bytes of its own and cannot be a descriptor or a disk:"
            + " re-export the OVA with every file stored as a plain file";

    private OvaMemberPolicy() {}

    /** The name members are matched by: {@code \} read as {@code /}, leading {@code ./} segments dropped. */
    public static String normalize(String name) {
        String n = name.replace('\\', '/');
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        return n;
    }

    /**
     * Refuses a requested member name the policy would refuse in an archive (empty, absolute, climbing with
     * {@code ..}, NUL, too long), with the same message the scan gives for such a member.
     *
     * @throws KvMigrateException invalid input naming the OVA, the name and the fix
     */
    public static void requireSafeName(Path ova, String name) {
        nameProblem(name).ifPresent(why -> {
            throw KvMigrateException.invalidInput(refusal(ova, name, why, NAME_FIX));
        });
    }

    /** Why a tar entry cannot be used as a member; empty when it can. Directories are judged by name only. */
    static Optional<String> problem(Path ova, TarArchiveEntry e, boolean seenBefore) {
        String name = e.getName();
        Optional<String> why = nameProblem(name);
        if (why.isPresent()) {
            return Optional.of(refusal(ova, name, why.get(), NAME_FIX));
        }
        if (e.isDirectory()) {
            return Optional.empty();
        }
        Optional<String> kind = typeProblem(e);
        if (kind.isPresent()) {
            return Optional.of(refusal(ova, name, kind.get(), TYPE_FIX));
        }
        if (seenBefore) {
            return Optional.of(refusal(ova, name, "appears more than once in the archive, so which copy is meant is"
                    + " ambiguous", "every member name must be unique: re-export the OVA"));
        }
        return Optional.empty();
    }

    private static Optional<String> nameProblem(String name) {
        if (name.length() > MAX_NAME) {
            return Optional.of("has a name of " + name.length() + " characters (limit " + MAX_NAME
                    + "); the archive is not a sane OVA");
        }
        String n = name.replace('\\', '/');
        if (n.isEmpty()) {
            return Optional.of("is empty");
        }
        if (n.indexOf('\0') >= 0) {
            return Optional.of("contains a NUL character");
        }
        if (n.startsWith("/") || n.matches("(?s)^[A-Za-z]:.*")) {
            return Optional.of("is absolute (OVA members must be relative)");
        }
        for (String segment : n.split("/")) {
            if (segment.equals("..")) {
                return Optional.of("climbs out of the archive with '..'");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> typeProblem(TarArchiveEntry e) {
        byte flag = e.getLinkFlag();
        String kind = e.isSymbolicLink() ? "a symbolic link to '" + shown(e.getLinkName()) + "'"
                : e.isLink() ? "a hard link to '" + shown(e.getLinkName()) + "'"
                : e.isCharacterDevice() ? "a character device"
                : e.isBlockDevice() ? "a block device"
                : e.isFIFO() ? "a FIFO"
                : e.isSparse() ? "a sparse tar member"
                : flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM || flag == TarConstants.LF_CONTIG
                        ? null
                : "a tar entry of type '" + (char) flag + "'";
        return Optional.ofNullable(kind).map(k -> "is " + k + ", not a regular file");
    }

    static String refusal(Path ova, String name, String why, String fix) {
        return "OVA " + ova + ": member '" + shown(name) + "' " + why + "; " + fix;
    }

    /** A name as messages show it: at most 200 characters, so a hostile name cannot flood the terminal. */
    static String shown(String name) {
        return name.length() > 200 ? name.substring(0, 200) + "…" : name;
    }
}
