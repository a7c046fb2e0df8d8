package dev.kvmigrate.inventory.ova;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.ova.OvaMember;
import dev.kvmigrate.common.ova.OvaTarReader;
import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The scan's index of an OVA, in one pass of the shared {@link OvaTarReader}: the OVF descriptor(s) parsed, every
 * other member's name, size and data offset recorded (and, for a gzip-compressed OVA, which cannot be sliced, its
 * first bytes). Nothing is extracted or written anywhere. The scan needs every member, so any member the
 * {@link dev.kvmigrate.common.ova.OvaMemberPolicy} refuses (a climbing or absolute name, a link, a device, a
 * duplicate name) refuses the whole OVA, with the same message the import gives for that member.
 */
final class TarIndex {
    /** Bytes kept from the start of each member of a gzip-compressed OVA, for probing its image header. */
    static final int HEAD_BYTES = 64 * 1024;

    record Result(Map<String, XmlNode> descriptors, Map<String, OvaEntry> entries, boolean gzip) {}

    private TarIndex() {}

    static Result read(Path ova) {
        Map<String, XmlNode> descriptors = new LinkedHashMap<>();
        Map<String, OvaEntry> entries = new LinkedHashMap<>();
        boolean gzip;
        try (OvaTarReader tar = OvaTarReader.open(ova)) {
            gzip = tar.gzip();
            for (Optional<OvaMember> next = tar.next(); next.isPresent(); next = tar.next()) {
                OvaMember m = next.get().requireUsable();
                if (m.name().toLowerCase(Locale.ROOT).endsWith(".ovf")) {
                    try (InputStream in = tar.stream()) {
                        descriptors.put(m.name(), SafeXml.parse(in, ova + "!" + m.name(), SafeXml.DEFAULT_MAX_BYTES));
                    }
                } else {
                    entries.put(m.name(), new OvaEntry(m.name(), m.size(), m.dataOffset(), head(tar, m)));
                }
            }
        } catch (IOException e) {
            // the member streams' messages name the OVA, the member and what to do
            throw KvMigrateException.invalidInput(e.getMessage(), e);
        }
        if (descriptors.isEmpty()) {
            throw KvMigrateException.invalidInput("OVA " + ova + " holds no .ovf descriptor; give an OVA exported"
                    + " by oVirt/RHV or VMware, or a directory holding the OVF and its disks");
        }
        return new Result(descriptors, entries, gzip);
    }

    /** The first bytes of a member that cannot be read in place; none for one that can. */
    private static byte[] head(OvaTarReader tar, OvaMember m) throws IOException {
        if (m.dataOffset().isPresent()) {
            return new byte[0];
        }
        try (InputStream in = tar.stream()) {
            return in.readNBytes((int) Math.min(HEAD_BYTES, m.size()));
        }
    }
}
