package dev.kvmigrate.importer.source;

import java.util.Locale;

/** Derives a volume-friendly disk name (RFC 1123 label) from a file or entry name. */
final class DiskNames {
    private DiskNames() {}

    static String fromFileName(String fileName) {
        String base = fileName.substring(fileName.lastIndexOf('/') + 1);
        String lower = base.toLowerCase(Locale.ROOT);
        boolean stripped = true;
        while (stripped) {
            stripped = false;
            for (String ext : new String[] {".gz", ".xz", ".zst", ".bz2", ".qcow2", ".vmdk", ".vhdx", ".vhd", ".vdi",
                ".raw", ".img", ".iso"}) {
                if (lower.endsWith(ext) && lower.length() > ext.length()) {
                    lower = lower.substring(0, lower.length() - ext.length());
                    stripped = true;
                }
            }
        }
        String name = lower.replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        if (name.length() > 63) {
            name = name.substring(0, 63).replaceAll("-+$", "");
        }
        return name.isEmpty() ? "disk" : name;
    }
}
