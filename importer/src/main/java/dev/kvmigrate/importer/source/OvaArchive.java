package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.ova.OvaMember;
import dev.kvmigrate.common.ova.OvaMemberPolicy;
import dev.kvmigrate.common.ova.OvaTarReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What every OVA member source shares: which kind of archive a file is (by its bytes, never its name) and finding
 * the one member a name means, both through the shared {@link OvaTarReader} and its {@link OvaMemberPolicy}, so the
 * import refuses exactly what the scan refuses. Names are matched after the policy's normalization, never resolved
 * as paths.
 */
final class OvaArchive {
    private OvaArchive() {}

    /** The source for {@code member} of {@code ova}: read in place for a plain tar, streamed through gzip otherwise. */
    static ImageSource member(Path ova, String member, Optional<Path> scratch) {
        return isGzip(ova) ? new GzipOvaMemberSource(ova, member, scratch) : new OvaEntrySource(ova, member);
    }

    /** Whether the file starts with gzip's magic bytes (an {@code .ova} or {@code .ova.gz} holding a gzip'd tar). */
    static boolean isGzip(Path ova) {
        return OvaTarReader.isGzip(ova);
    }

    /**
     * The member a name means, after a walk of the whole archive: the name must be one the policy accepts, the member
     * must be usable, and no other member may have the same name.
     *
     * @param member the member
     * @param unread why the walk could not read the archive to its end after it had found the member (a truncated or
     *     corrupt archive): the member's bytes may still be read, the failure is the reader's to report
     */
    record Found(OvaMember member, Optional<KvMigrateException> unread) {}

    /**
     * Finds {@code name} in {@code ova}.
     *
     * @throws KvMigrateException invalid input when the name is refused, the member is refused (a link, a device, a
     *     duplicate name) or missing, or the archive is unreadable before the member or breaks a bound
     */
    static Found find(Path ova, String name) {
        OvaMemberPolicy.requireSafeName(ova, name);
        String wanted = OvaMemberPolicy.normalize(name);
        List<String> names = new ArrayList<>();
        OvaMember found = null;
        Optional<String> refusal = Optional.empty();
        try (OvaTarReader tar = OvaTarReader.open(ova)) {
            while (refusal.isEmpty()) {
                Optional<OvaMember> next = tar.next();
                if (next.isEmpty()) {
                    break;
                }
                OvaMember m = next.get();
                names.add(m.name().length() > 200 ? m.name().substring(0, 200) + "…" : m.name());
                if (m.name().equals(wanted)) {
                    refusal = m.refusal(); // a second member of that name comes refused as ambiguous
                    found = found == null ? m : found;
                }
            }
        } catch (KvMigrateException e) {
            if (found == null || !(e.getCause() instanceof IOException)) {
                throw e;
            }
            return new Found(found, Optional.of(e));
        }
        refusal.ifPresent(r -> {
            throw KvMigrateException.invalidInput(r);
        });
        if (found == null) {
            throw KvMigrateException.invalidInput("OVA " + ova + " has no member named '" + name + "' (names are"
                    + " matched as written, never as paths); it holds " + names);
        }
        return new Found(found, Optional.empty());
    }
}
