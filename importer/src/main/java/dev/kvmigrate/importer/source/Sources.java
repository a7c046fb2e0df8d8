package dev.kvmigrate.importer.source;

import java.nio.file.Path;
import java.time.Duration;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Turns a SOURCE argument into an {@link ImageSource}: {@code http(s)://…} is a URL, {@code FILE.ova#MEMBER}
 * (or {@code ova:FILE#MEMBER}) a disk inside an OVA, anything else a local image file.
 */
public final class Sources {
    private Sources() {}

    public static ImageSource parse(String spec) {
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
