package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.disk.DiskLocation;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code kv-migrate import SOURCE} argument as a {@link DiskLocation}: {@code http(s)://…} is a URL,
 * {@code FILE.ova#MEMBER} (or {@code ova:FILE#MEMBER}) a disk inside an OVA, {@code libvirt:URI#POOL/VOLUME} a
 * libvirt storage volume, {@code libvirt:URI#/PATH} a file on the libvirt host (in a pool or not),
 * {@code ovirt:DISK_ID} an oVirt disk of the engine given apart, anything else a local image
 * file. Only for what a person types: stages hand each other locations, never these strings.
 */
public final class SourceSpec {
    private SourceSpec() {}

    /**
     * @param spec the argument
     * @param ovirtEngine the engine API URL given with {@code --ovirt}, needed for {@code ovirt:} sources
     */
    public static DiskLocation parse(String spec, java.util.Optional<URI> ovirtEngine) {
        if (spec.startsWith("ovirt:")) {
            URI engine = ovirtEngine.orElseThrow(() -> KvMigrateException.invalidInput("source " + spec
                    + " needs an oVirt engine: give --ovirt URL --ovirt-user USER --ovirt-password-file FILE", null));
            return new DiskLocation.OvirtDisk(engine, spec.substring("ovirt:".length()));
        }
        if (spec.startsWith("libvirt:")) {
            String rest = spec.substring("libvirt:".length());
            int hash = rest.lastIndexOf('#');
            int slash = hash < 0 ? -1 : rest.indexOf('/', hash);
            if (hash <= 0 || slash < 0 || slash == rest.length() - 1) {
                throw KvMigrateException.invalidInput("source " + spec + " is not libvirt:URI#POOL/VOLUME or"
                        + " libvirt:URI#/PATH (e.g. libvirt:qemu:///system#default/vm1.qcow2)", null);
            }
            if (slash == hash + 1) {
                return new DiskLocation.LibvirtFile(rest.substring(0, hash), rest.substring(hash + 1));
            }
            return new DiskLocation.LibvirtVolume(rest.substring(0, hash), rest.substring(hash + 1, slash),
                    rest.substring(slash + 1));
        }
        if (spec.startsWith("http://") || spec.startsWith("https://")) {
            try {
                return new DiskLocation.Url(URI.create(spec));
            } catch (IllegalArgumentException e) {
                throw KvMigrateException.invalidInput("source " + spec + " is not a valid URL: " + e.getMessage(), e);
            }
        }
        String s = spec.startsWith("ova:") ? spec.substring(4) : spec;
        int hash = s.indexOf('#');
        if (hash > 0 && (spec.startsWith("ova:") || isOvaName(s.substring(0, hash)))) {
            return new DiskLocation.OvaMember(Path.of(s.substring(0, hash)), s.substring(hash + 1));
        }
        return new DiskLocation.LocalFile(Path.of(spec));
    }

    private static boolean isOvaName(String file) {
        String f = file.toLowerCase(Locale.ROOT);
        return f.endsWith(".ova") || f.endsWith(".ova.gz");
    }
}
