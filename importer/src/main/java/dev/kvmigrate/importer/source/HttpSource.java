package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** An image served over HTTP(S); every attempt is a new GET, the length comes from Content-Length. */
public final class HttpSource implements ImageSource {
    private final HttpUrl url;
    private final OkHttpClient client;
    private OptionalLong length;

    public HttpSource(HttpUrl url, OkHttpClient client) {
        this.url = url;
        this.client = client;
    }

    @Override
    public String name() {
        return url.newBuilder().username("").password("").query(null).build().toString();
    }

    @Override
    public String diskName() {
        return DiskNames.fromFileName(url.pathSegments().get(url.pathSize() - 1));
    }

    @Override
    public synchronized OptionalLong length() {
        if (length == null) {
            long n = contentLength(new Request.Builder().url(url).head().build());
            if (n <= 0) {
                // Some servers answer HEAD without (or with a zero) Content-Length: ask the GET, read no body.
                n = contentLength(new Request.Builder().url(url).get().build());
            }
            length = n > 0 ? OptionalLong.of(n) : OptionalLong.empty();
        }
        return length;
    }

    private long contentLength(Request request) {
        try (Response r = client.newCall(request).execute()) {
            String header = r.header("Content-Length");
            return r.isSuccessful() && header != null ? Long.parseLong(header.trim()) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public InputStream open() throws IOException {
        Response r = client.newCall(new Request.Builder().url(url).get().build()).execute();
        if (!r.isSuccessful()) {
            r.close();
            throw KvMigrateException.sourceUnreachable("image " + name() + ": the server answered HTTP " + r.code()
                    + "; check the URL", null);
        }
        return r.body().byteStream();
    }
}
