package dev.kvmigrate.importer.sink;

import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The HTTP side of a CDI upload: one OkHttp client per proxy with silent retries off (a retried upload must
 * get a new token), timeouts for multi-hour streams, and TLS verified against the CA given or published.
 * The token goes only into the Authorization header; nothing here logs headers.
 */
final class UploadClient {
    /** The status and body text of one upload attempt. */
    record Answer(int code, String message) {}

    private final OkHttpClient http;
    private final HttpUrl base;

    private UploadClient(OkHttpClient http, HttpUrl base) {
        this.http = http;
        this.base = base;
    }

    /**
     * A client for {@code proxyUrl} ({@code https://} added when no scheme is given), trusting {@code caPem}
     * (a PEM bundle) when present, nothing but the system CAs otherwise, everything when {@code insecure}.
     */
    static UploadClient of(String proxyUrl, Optional<String> caPem, boolean insecure) {
        String u = proxyUrl.contains("://") ? proxyUrl : "https://" + proxyUrl;
        HttpUrl base = HttpUrl.parse(u);
        if (base == null) {
            throw KvMigrateException.invalidInput("upload proxy URL '" + proxyUrl + "' is not a valid URL;"
                    + " give --uploadproxy-url https://HOST[:PORT]", null);
        }
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .retryOnConnectionFailure(false)
                .socketFactory(new CoalescingSocketFactory())
                .followRedirects(false)
                .connectTimeout(Duration.ofSeconds(30))
                .writeTimeout(Duration.ofMinutes(10))
                .readTimeout(Duration.ofHours(1))
                .callTimeout(Duration.ZERO);
        dev.kvmigrate.importer.Tls.configure(b, caPem, insecure, "upload proxy CA (--ca-file or CDIConfig"
                + " status.uploadProxyCA)");
        return new UploadClient(b.build(), base);
    }

    static String readCa(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw KvMigrateException.io("CA file " + file + " is not readable: " + e.getMessage(), e);
        }
    }

    String base() {
        return base.toString();
    }

    /** Whether the proxy offers {@code /v1beta1/upload-async} (HEAD answers 200). */
    boolean supportsAsync() throws IOException {
        Request head = new Request.Builder().url(base.resolve("/v1beta1/upload-async")).head().build();
        try (Response r = http.newCall(head).execute()) {
            return r.code() == 200;
        }
    }

    /** POSTs {@code body} with the token; the answer's status and text (never throws on an HTTP status). */
    Answer post(boolean async, String token, RequestBody body) throws IOException {
        Request req = new Request.Builder().url(base.resolve(async ? "/v1beta1/upload-async" : "/v1beta1/upload"))
                .header("Authorization", "Bearer " + token)
                .post(body).build();
        try (Response r = http.newCall(req).execute()) {
            String text = r.body().string();
            return new Answer(r.code(), text.length() > 2000 ? text.substring(0, 2000) : text.strip());
        }
    }
}
