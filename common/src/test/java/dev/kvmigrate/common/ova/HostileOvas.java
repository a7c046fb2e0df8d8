package dev.kvmigrate.common.ova;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * The OVA rows of {@code ../shared/fixtures/hostile/README.md}: each crafted OVA, the member that decides it and the
 * answer the member policy gives. The scan (inventory) and the import (importer) tests run over the same rows and
 * check their answer against {@link #policyAnswer(Path)}, the shared reader's, so both give the same refusal.
 */
public final class HostileOvas {
    /** What the policy answers for a fixture. */
    public enum Answer {
        /** The OVA is refused because of {@link Row#member()}; the import of that member is refused alike. */
        REFUSED,
        /** The OVA is read, and so is {@link Row#member()}. */
        READ
    }

    /**
     * One fixture.
     *
     * @param file the OVA under {@code fixtures/hostile}
     * @param member the member that decides it, named as the archive writes it
     * @param answer refused or read
     * @param phrase for a refusal, what the message says of the member; for a read, the member's bytes
     */
    public record Row(String file, String member, Answer answer, String phrase) {
        @Override
        public String toString() {
            return file + " (" + answer.name().toLowerCase() + ")";
        }

        /** The fixture, or the calling test is skipped when {@code ../shared} is absent. */
        public Path path() {
            return SharedDir.require("fixtures/hostile/" + file);
        }

        /** How a refusal starts: the OVA, the member as written and why. */
        public String refusalStart(Path ova) {
            return "OVA " + ova + ": member '" + OvaMemberPolicy.shown(member) + "' " + phrase;
        }
    }

    private static final String CLIMBS = "climbs out of the archive with '..'";
    private static final String ABSOLUTE = "is absolute";

    /** The table. */
    public static final List<Row> ROWS = List.of(
            new Row("dotdot.ova", "../../evil", Answer.REFUSED, CLIMBS),
            new Row("abs.ova", "/srv/kvmtest/evil-abs", Answer.REFUSED, ABSOLUTE),
            new Row("winabs.ova", "C:/evil", Answer.REFUSED, ABSOLUTE),
            new Row("backslash.ova", "..\\..\\evil-bs", Answer.REFUSED, CLIMBS),
            new Row("pax-dotdot.ova", "x/../../evil", Answer.REFUSED, CLIMBS),
            new Row("dotslash.ova", "./../evil", Answer.REFUSED, CLIMBS),
            new Row("ovf-dotdot.ova", "../vm.ovf", Answer.REFUSED, CLIMBS),
            new Row("sym.ova", "disk2.vmdk", Answer.REFUSED, "is a symbolic link to '/etc/shadow', not a regular file"),
            new Row("symref.ova", "disk1.vmdk", Answer.REFUSED,
                    "is a symbolic link to '/etc/shadow', not a regular file"),
            new Row("hard.ova", "disk2.vmdk", Answer.REFUSED, "is a hard link to '/etc/passwd', not a regular file"),
            new Row("chr.ova", "zero.img", Answer.REFUSED, "is a character device, not a regular file"),
            new Row("fifo.ova", "pipe.img", Answer.REFUSED, "is a FIFO, not a regular file"),
            new Row("dup.ova", "disk1.vmdk", Answer.REFUSED,
                    "appears more than once in the archive, so which copy is meant is ambiguous"),
            // a PAX long name of 5,000 characters: read whole, not cut at the ustar field's 100
            new Row("longname.ova", "a".repeat(5000), Answer.READ, "evil\n"),
            // despite its name, the file holds no link (sym.ova without its link member): a plain, readable OVA
            new Row("symdisk.ova", "disk1.vmdk", Answer.READ, ""));

    private HostileOvas() {}

    /** The rows, for {@code @MethodSource("dev.kvmigrate.common.ova.HostileOvas#rows")}. */
    public static List<Row> rows() {
        return ROWS;
    }

    /** The shared reader's answer for an OVA: the refusal of its first refused member, or empty when it reads. */
    public static Optional<String> policyAnswer(Path ova) {
        try (OvaTarReader tar = OvaTarReader.open(ova)) {
            for (Optional<OvaMember> m = tar.next(); m.isPresent(); m = tar.next()) {
                if (m.get().refusal().isPresent()) {
                    return m.get().refusal();
                }
            }
            return Optional.empty();
        } catch (KvMigrateException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** A gzip-compressed copy of an OVA in {@code dir}, so each row is checked through the streamed path too. */
    public static Path gzipped(Path ova, Path dir) throws IOException {
        Path gz = dir.resolve(ova.getFileName() + ".gz");
        try (InputStream in = Files.newInputStream(ova);
                OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(gz))) {
            in.transferTo(out);
        }
        return gz;
    }
}
