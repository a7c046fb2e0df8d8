package dev.kvmigrate.importer.source;

import java.nio.file.Path;
import java.time.Duration;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Turns a SOURCE argument into an {@link ImageSource}: {@code http(s)://…} is a URL, {@code FILE.ova#MEMBER}
 * (or {@code ova:FILE#MEMBER}) a disk inside an OVA, {@code libvirt:URI#POOL/VOLUME} a libvirt storage volume,
 * {@code ovirt:DISK_ID} an oVirt disk through imageio (needs an engine), anything else a local image file.
 */
public final class Sources {
    private Sources() {}

    public static ImageSource parse(String spec) {
        return parse(spec, () -> {
            throw dev.kvmigrate.common.KvMigrateException.invalidInput("source " + spec + " needs an oVirt engine:"
                    + " give --ovirt URL --ovirt-user USER --ovirt-password-file FILE", null);
        });
    }

    /** As {@link #parse(String)}, logging in to an oVirt engine (once, lazily) for {@code ovirt:} sources. */
    public static ImageSource parse(String spec, java.util.function.Supplier<OvirtEngine> engine) {
        if (spec.startsWith("ovirt:")) {
            return ImageioSource.start(engine.get(), spec.substring("ovirt:".length()));
        }
        if (spec.startsWith("libvirt:")) {
            String rest = spec.substring("libvirt:".length());
            int hash = rest.lastIndexOf('#');
            int slash = hash < 0 ? -1 : rest.indexOf('/', hash);
            if (hash <= 0 || slash < 0) {
                throw dev.kvmigrate.common.KvMigrateException.invalidInput("source " + spec + " is not"
                        + " libvirt:URI#POOL/VOLUME (e.g. libvirt:qemu:///system#default/vm1.qcow2)", null);
            }
            return new LibvirtVolumeSource(rest.substring(0, hash), rest.substring(hash + 1, slash),
                    rest.substring(slash + 1));
        }
        HttpUrl url = HttpUrl.parse(spec);
        if (url != null && (spec.startsWith("http://") || spec.startsWith("https://"))) {
            OkHttpClient client = new OkHttpClient.Builder()
                    .readTimeout(Duration.ofMinutes(5))
                    .connectTimeout(Duration.ofSeconds(30))
                    .build();
            return new HttpSource(url, client);
        }
        String s = spec.startsWith("ova:") ? spec.substring(4) : spec;
        int hash = s.indexOf('#');
        if (hash > 0 && (spec.startsWith("ova:") || s.substring(0, hash).toLowerCase(java.util.Locale.ROOT)
                .endsWith(".ova"))) {
            return new OvaEntrySource(Path.of(s.substring(0, hash)), s.substring(hash + 1));
        }
        return new LocalFileSource(Path.of(spec));
    }
}
