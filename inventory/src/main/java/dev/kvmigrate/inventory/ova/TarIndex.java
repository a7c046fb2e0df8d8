package dev.kvmigrate.inventory.ova;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * One streaming pass over an OVA (a tar, optionally gzip-wrapped): the OVF descriptor(s) parsed, every other
 * member's name, size, data offset and first bytes recorded. Nothing is extracted or written anywhere. Member
 * names that are absolute or climb with {@code ..}, links, and device entries are refused.
 */
final class TarIndex {
    /** Bytes kept from the start of each member for probing its image header. */
    static final int HEAD_BYTES = 64 * 1024;
    /** Longest member name accepted: far above any real OVA, well below a header-bloat attack. */
    static final int MAX_NAME = 1024;

    record Result(Map<String, XmlNode> descriptors, Map<String, OvaEntry> entries, boolean gzip) {}

    private TarIndex() {}

    static Result read(Path ova) {
        Map<String, XmlNode> descriptors = new LinkedHashMap<>();
        Map<String, OvaEntry> entries = new LinkedHashMap<>();
        boolean gzip;
        String current = null;
        try (InputStream file = new BufferedInputStream(Files.newInputStream(ova), 1 << 16)) {
            file.mark(2);
            gzip = file.read() == 0x1f && file.read() == 0x8b;
            file.reset();
            Counting counting = new Counting(gzip ? new GzipCompressorInputStream(file, true) : file);
            TarArchiveInputStream tar = new TarArchiveInputStream(counting);
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                current = e.getName();
                String name = checkName(ova, e);
                if (e.isDirectory()) {
                    continue;
                }
                long offset = counting.count;
                if (name.toLowerCase(Locale.ROOT).endsWith(".ovf")) {
                    descriptors.put(name, SafeXml.parse(new NoClose(tar), ova + "!" + name, SafeXml.DEFAULT_MAX_BYTES));
                } else {
                    byte[] head = tar.readNBytes((int) Math.min(HEAD_BYTES, e.getSize()));
                    if (head.length < Math.min(HEAD_BYTES, e.getSize())) {
                        throw KvMigrateException.invalidInput("OVA " + ova + ": entry '" + name + "' is truncated ("
                                + head.length + " of " + e.getSize() + " bytes); the archive is incomplete: copy it again");
                    }
                    entries.put(name, new OvaEntry(name, e.getSize(), gzip ? OptionalLong.empty()
                            : OptionalLong.of(offset), head));
                }
            }
        } catch (IOException e) {
            throw KvMigrateException.invalidInput("OVA " + ova + (current == null ? "" : ", entry '" + current + "'")
                    + ": not a readable tar archive (" + e.getMessage() + "); check that the file is a complete OVA", e);
        } catch (IllegalArgumentException e) {
            throw KvMigrateException.invalidInput("OVA " + ova + (current == null ? "" : ", entry '" + current + "'")
                    + ": malformed tar header (" + e.getMessage() + ")", e);
        }
        if (descriptors.isEmpty()) {
            throw KvMigrateException.invalidInput("OVA " + ova + " holds no .ovf descriptor; give an OVA exported"
                    + " by oVirt/RHV or VMware, or a directory holding the OVF and its disks");
        }
        if (!gzip) {
            checkLength(ova, entries);
        }
        return new Result(descriptors, entries, gzip);
    }

    /** Refuses names that would escape an extraction directory and entries that are not plain files. */
    static String checkName(Path ova, TarArchiveEntry e) {
        String name = e.getName();
        String where = "OVA " + ova + ": entry '" + (name.length() > 200 ? name.substring(0, 200) + "…" : name) + "'";
        if (name.length() > MAX_NAME) {
            throw KvMigrateException.invalidInput(where + " has a name of " + name.length() + " characters (limit "
                    + MAX_NAME + "); the archive is not a sane OVA");
        }
        if (e.isSymbolicLink() || e.isLink()) {
            throw KvMigrateException.invalidInput(where + " is a " + (e.isLink() ? "hard" : "symbolic")
                    + " link to '" + e.getLinkName() + "'; links are refused in OVAs: re-export the VM");
        }
        if (!e.isFile() && !e.isDirectory()) {
            throw KvMigrateException.invalidInput(where + " is not a regular file; OVAs hold only files");
        }
        String n = name.replace('\\', '/');
        if (n.startsWith("/") || n.matches("^[A-Za-z]:.*")) {
            throw KvMigrateException.invalidInput(where + " is an absolute path; OVA members must be relative");
        }
        for (String seg : n.split("/")) {
            if (seg.equals("..")) {
                throw KvMigrateException.invalidInput(where + " climbs out of the archive with '..'; refused");
            }
        }
        if (e.getSize() < 0) {
            throw KvMigrateException.invalidInput(where + " has a negative size");
        }
        return n.startsWith("./") ? n.substring(2) : n;
    }

    /** A member whose bytes run past the end of the file means a truncated copy. */
    private static void checkLength(Path ova, Map<String, OvaEntry> entries) {
        long length;
        try {
            length = Files.size(ova);
        } catch (IOException e) {
            throw KvMigrateException.io("cannot stat OVA " + ova + ": " + e.getMessage(), e);
        }
        for (OvaEntry e : entries.values()) {
            if (e.dataOffset().getAsLong() + e.size() > length) {
                throw KvMigrateException.invalidInput("OVA " + ova + ": entry '" + e.name() + "' ends at byte "
                        + (e.dataOffset().getAsLong() + e.size()) + " but the file has " + length
                        + " bytes; the archive is truncated: copy it again");
            }
        }
    }

    /** Counts the bytes the tar reader consumes (read or skipped): the data offset of each member. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    /** Keeps the XML parser from closing the tar stream under us. */
    private static final class NoClose extends FilterInputStream {
        NoClose(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // The tar stream is closed by its owner.
        }
    }
}
