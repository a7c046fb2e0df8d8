package dev.kvmigrate.inventory.ovirt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP to one engine: SSO login, GETs of the native XML, POSTs of actions, a request counter.
 *
 * <p>Retry policy: none hidden. A 401 on a GET or POST means the SSO token expired: the client logs in again once and
 * repeats that request; a second 401 fails. Any other error status (5xx included), a timeout or a broken connection
 * fails the scan at once with {@link dev.kvmigrate.common.ExitCode#SOURCE_UNREACHABLE} naming the request, so a
 * scan is never silently partial; the user reruns it.
 */
final class EngineClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_BODY = 16 * 1024;
    private static final int MAX_CA_BODY = 64 * 1024;
    private static final MediaType XML = MediaType.get("application/xml");

    private final OvirtSettings settings;
    private final OkHttpClient http;
    private final HttpUrl api;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String token;

    EngineClient(OvirtSettings settings) {
        this.settings = settings;
        if (settings.insecure()) {
            LOG.warn("TLS verification is OFF for {} (--insecure): anyone on the path can read the password",
                    settings.apiUrl());
        }
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                .retryOnConnectionFailure(false)
                .followRedirects(false);
        this.http = EngineTls.apply(b, settings).build();
        String base = settings.apiUrl().toString();
        this.api = HttpUrl.get(base.endsWith("/") ? base : base + "/");
    }

    /** Requests sent so far, logins included. */
    int requestCount() {
        return requests.get();
    }

    /** Obtains an SSO token; on a certificate the JVM does not trust, reports the engine's CA with its fingerprint. */
    void login() {
        URI root = settings.engineRoot();
        HttpUrl url = HttpUrl.get(root.resolve("sso/oauth/token").toString());
        char[] pw = settings.password().reveal();
        FormBody form = new FormBody.Builder()
                .add("grant_type", "password")
                .add("scope", "ovirt-app-api")
                .add("username", settings.user())
                .add("password", new String(pw))
                .build();
        Arrays.fill(pw, '\0');
        Request req = new Request.Builder().url(url).post(form).header("Accept", "application/json").build();
        requests.incrementAndGet();
        try (Response resp = http.newCall(req).execute()) {
            String body = text(resp.body(), MAX_ERROR_BODY);
            JsonNode json = parseJson(body);
            if (!resp.isSuccessful() || json.path("access_token").asText("").isEmpty()) {
                String why = json.path("error_description").asText(json.path("error").asText("HTTP " + resp.code()));
                throw KvMigrateException.sourceUnreachable("engine " + root + " refused the login of "
                        + settings.user() + ": " + why + "; check the user (NAME@PROFILE, e.g. admin@internal)"
                        + " and the password", null);
            }
            token = json.get("access_token").asText();
            LOG.debug("SSO login for {} at {} succeeded", settings.user(), root);
        } catch (IOException e) {
            throw transportFailure("POST " + url.encodedPath(), e);
        }
    }

    /** GET {@code path} (relative to the API URL) with query parameters; the document element of the answer. */
    XmlNode get(String path, Map<String, String> query) {
        HttpUrl.Builder ub = api.newBuilder().addPathSegments(path);
        query.forEach(ub::addQueryParameter);
        HttpUrl url = ub.build();
        String what = "GET " + url.encodedPath() + (url.encodedQuery() == null ? "" : "?" + url.query());
        return send(url, what, null, "; check the engine (engine.log) and scan again");
    }

    /**
     * POST an XML document to {@code path} (relative to the API URL), e.g. an {@code <action/>} to a VM's
     * {@code shutdown}; the document element of the answer. The engine acts only on an accepted request, so the
     * one retry after an expired token cannot act twice.
     */
    XmlNode post(String path, String xml) {
        HttpUrl url = api.newBuilder().addPathSegments(path).build();
        RequestBody body = RequestBody.create(xml.getBytes(StandardCharsets.UTF_8), XML);
        return send(url, "POST " + url.encodedPath(), body, "; check the engine (engine.log) and the VM's state"
                + " in the administration portal");
    }

    private XmlNode send(HttpUrl url, String what, RequestBody body, String hint) {
        for (int attempt = 1; ; attempt++) {
            Request.Builder rb = new Request.Builder().url(url)
                    .header("Accept", "application/xml")
                    .header("Version", "4")
                    .header("Authorization", "Bearer " + token);
            Request req = (body == null ? rb : rb.post(body)).build();
            requests.incrementAndGet();
            long t0 = System.nanoTime();
            try (Response resp = http.newCall(req).execute()) {
                LOG.debug("{} -> {} ({} ms)", what, resp.code(), (System.nanoTime() - t0) / 1_000_000);
                if (resp.code() == 401 && attempt == 1) {
                    LOG.info("engine token expired during {}; logging in again", what);
                    login();
                    continue;
                }
                if (!resp.isSuccessful()) {
                    throw new EngineStatusException(resp.code(), "engine " + settings.engineRoot() + " answered "
                            + resp.code() + " to " + what + faultReason(resp.body())
                            + (resp.code() == 401 ? "; the login was refused again: check the user's permissions"
                                    : hint));
                }
                try (InputStream in = resp.body().byteStream()) {
                    return SafeXml.parse(in, what, SafeXml.DEFAULT_MAX_BYTES);
                }
            } catch (IOException e) {
                throw transportFailure(what, e);
            }
        }
    }

    /** Fetches the engine's published CA (without trusting it) and builds the exception that shows it. */
    UntrustedCaException untrustedCa(Throwable cause) {
        HttpUrl url = HttpUrl.get(settings.engineRoot()
                .resolve("services/pki-resource?resource=ca-certificate&format=X509-PEM-CA").toString());
        var trustAll = EngineTls.trustAll();
        OkHttpClient peek = http.newBuilder()
                .sslSocketFactory(EngineTls.context(trustAll).getSocketFactory(), trustAll)
                .hostnameVerifier((h, s) -> true)
                .build();
        requests.incrementAndGet();
        try (Response resp = peek.newCall(new Request.Builder().url(url).build()).execute()) {
            if (!resp.isSuccessful()) {
                throw KvMigrateException.sourceUnreachable("engine " + settings.engineRoot() + " presents a"
                        + " certificate this JVM does not trust, and its CA could not be fetched (HTTP " + resp.code()
                        + " from " + url + "); get the CA from the engine (/etc/pki/ovirt-engine/ca.pem) and pass"
                        + " --ca-file", cause);
            }
            String pem = text(resp.body(), MAX_CA_BODY);
            String fp = EngineTls.fingerprint(pem);
            return new UntrustedCaException("engine " + settings.engineRoot() + " presents a certificate this JVM"
                    + " does not trust. Its CA, fetched from " + url + " but NOT trusted, has SHA-256 fingerprint "
                    + fp + ". Compare it with the engine's (openssl x509 -in /etc/pki/ovirt-engine/ca.pem -noout"
                    + " -fingerprint -sha256); if they match, save it (curl -k '" + url + "' -o engine-ca.pem)"
                    + " and pass --ca-file engine-ca.pem", pem, fp, cause);
        } catch (IOException e) {
            throw KvMigrateException.sourceUnreachable("engine " + settings.engineRoot() + " presents a certificate"
                    + " this JVM does not trust, and its CA could not be fetched from " + url + ": " + e.getMessage()
                    + "; pass the engine CA with --ca-file", e);
        }
    }

    private KvMigrateException transportFailure(String what, IOException e) {
        if (e instanceof SocketTimeoutException) {
            return KvMigrateException.sourceUnreachable("engine " + settings.engineRoot() + " did not answer " + what
                    + " within " + settings.readTimeout().toSeconds() + " s (timeout); check the engine's load or"
                    + " narrow the scan with --search", e);
        }
        if (EngineTls.isTrustFailure(e) && !settings.insecure() && settings.caFile().isEmpty()) {
            return untrustedCa(e);
        }
        if (EngineTls.isTrustFailure(e)) {
            return KvMigrateException.sourceUnreachable("engine " + settings.engineRoot() + ": TLS verification"
                    + " failed for " + what + ": " + e.getMessage() + "; check that --ca-file holds the engine's CA"
                    + " and that the URL's host name matches its certificate", e);
        }
        return KvMigrateException.sourceUnreachable("engine " + settings.engineRoot() + " cannot be reached for "
                + what + ": " + e.getMessage() + "; check the URL, the network and that the engine is up", e);
    }

    private static String faultReason(ResponseBody body) {
        try {
            String text = text(body, MAX_ERROR_BODY);
            if (text.startsWith("<")) {
                XmlNode fault = SafeXml.parse(text, "engine fault");
                Optional<String> reason = fault.text("reason");
                Optional<String> detail = fault.text("detail");
                if (reason.isPresent() || detail.isPresent()) {
                    return " (" + reason.orElse("") + detail.map(d -> ": " + d).orElse("") + ")";
                }
            }
            return text.isBlank() ? "" : " (" + text.strip().lines().findFirst().orElse("") + ")";
        } catch (IOException | KvMigrateException e) {
            return "";
        }
    }

    private static String text(ResponseBody body, int max) throws IOException {
        try (InputStream in = body.byteStream()) {
            byte[] buf = in.readNBytes(max);
            return new String(buf, StandardCharsets.UTF_8);
        }
    }

    private static JsonNode parseJson(String body) {
        try {
            return JSON.readTree(body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
