package dev.kvmigrate.common.ovirt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.ConnectionPool;
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
 * One logged-in conversation with an oVirt / RHV engine (REST API v4): the SSO token, the TLS trust, requests
 * relative to the API URL. The inventory scan, the power control and the importer's image transfers all go
 * through it; it is safe to share between threads.
 *
 * <p>The login happens on the first request (or on {@link #login()}, to fail early). The password is revealed only
 * to build that one form and is never logged. Retry policy, stated: a 401 means the SSO token expired: the
 * session logs in again once and repeats that request; a second 401 fails. A GET (idempotent) that meets a broken
 * or closed connection (engines and proxies that close a kept-alive connection after each answer) or a 502, 503
 * or 504 is repeated, {@value #GET_ATTEMPTS} attempts in all with a short backoff, each retry logged. A POST
 * (a login, an action such as shutdown) is never repeated, and never rides on a pooled connection that may have
 * gone stale; neither does a repeated GET. Any other error status is an {@link EngineStatusException}; a timeout fails at once with
 * {@link dev.kvmigrate.common.ExitCode#SOURCE_UNREACHABLE} naming the request. A certificate the JVM does not trust
 * fails with {@link UntrustedCaException}, showing the engine CA's fingerprint, never trusting it.
 *
 * <p>Error answers are read up to {@value #MAX_ERROR_BODY} bytes; messages keep only the engine's own
 * {@code <reason>}/{@code <detail>} (or JSON {@code reason}/{@code detail}) or one plain line, shortened, without
 * markup and without anything that looks like a header, a form or a credential.
 */
public final class EngineSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineSession.class);
    private static final ObjectMapper JSON = Mappers.json();
    static final int MAX_ERROR_BODY = 4 * 1024;
    static final int GET_ATTEMPTS = 3;
    private static final long GET_BACKOFF_MILLIS = 200;
    private static final int MAX_REASON = 300;
    private static final Pattern TAG = Pattern.compile("<[^>]*>?");
    private static final Pattern CREDENTIAL = Pattern.compile("(?i)\\b(?:password|passwd|pwd|secret"
            + "|access_token|refresh_token|id_token|token|authorization|proxy-authorization|cookie|set-cookie"
            + ")\\b\"?\\s*[=:]\\s*\"?(?:(?:bearer|basic|negotiate)\\s+)?[^\\s&\",;]*"
            + "|(?i)\\b(?:bearer|basic)\\s+\\S+");
    private static final Pattern FORM = Pattern.compile("\\S*=\\S*&\\S*");
    private static final Pattern HEADER_OR_REQUEST = Pattern.compile(
            "^(?:[A-Za-z][A-Za-z0-9-]*:\\s.*|(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \\S+.*|HTTP/\\d.*)$");
    private static final int MAX_CA_BODY = 64 * 1024;
    private static final int MAX_TOKEN_BODY = 64 * 1024;
    /**
     * Statuses a GET is repeated after: a proxy in front of the engine failing over, an engine restarting. A 500 is
     * the engine failing on this very request: repeating it would repeat the failure.
     */
    private static final Set<Integer> TRANSIENT = Set.of(502, 503, 504);
    private static final Pattern FAULT_REASON = Pattern.compile("<reason>([^<]*)</reason>");
    private static final Pattern FAULT_DETAIL = Pattern.compile("<detail>([^<]*)</detail>");

    /** The representation of one exchange: the engine's native XML, or JSON. Sets Accept and Content-Type. */
    public enum Format {
        XML("application/xml"),
        JSON("application/json");

        private final MediaType type;

        Format(String type) {
            this.type = MediaType.get(type);
        }
    }

    /** Reads a successful answer's body; the stream is closed afterwards by the session. */
    @FunctionalInterface
    public interface BodyReader<T> {
        T read(InputStream body) throws IOException;
    }

    private final EngineSettings settings;
    private final OkHttpClient http;
    private final OkHttpClient unpooled;
    private final HttpUrl api;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String token;

    private EngineSession(EngineSettings settings) {
        this.settings = settings;
        if (settings.plainHttp()) {
            if (settings.insecure()) {
                LOG.warn("{} is plain http:// (--insecure): the login posts the password {} in clear text; anyone"
                        + " on the path can read it and the SSO token", settings.apiUrl(), settings.user());
            } else {
                LOG.info("{} is plain http:// on this machine's loopback: the clear-text password stays local",
                        settings.apiUrl());
            }
        } else if (settings.insecure()) {
            LOG.warn("TLS verification is OFF for {} (--insecure): anyone on the path can pose as the engine and"
                    + " read the password of {}, posted in clear text inside TLS", settings.apiUrl(), settings.user());
        }
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                .retryOnConnectionFailure(false)
                .followRedirects(false);
        this.http = EngineTls.apply(b, settings).build();
        // A pool that keeps nothing: a POST always gets a connection of its own, never one the engine may have closed.
        this.unpooled = http.newBuilder().connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS)).build();
        String base = settings.apiUrl().toString();
        this.api = HttpUrl.get(base.endsWith("/") ? base : base + "/");
    }

    /** A session for the engine; nothing is sent until the first request (or {@link #login()}). */
    public static EngineSession open(EngineSettings settings) {
        return new EngineSession(Objects.requireNonNull(settings, "settings"));
    }

    public EngineSettings settings() {
        return settings;
    }

    /**
     * The HTTP client with this engine's TLS trust, for the services beside the API that authenticate otherwise
     * (ovirt-imageio: the ticket is in the URL). It never carries the SSO token.
     */
    public OkHttpClient http() {
        return http;
    }

    /** Requests sent so far, logins included. */
    public int requestCount() {
        return requests.get();
    }

    /**
     * Obtains a fresh SSO token now ({@code POST /ovirt-engine/sso/oauth/token}, grant_type=password,
     * scope=ovirt-app-api); fails with the engine's reason when it refuses the user, and with
     * {@link UntrustedCaException} when its certificate is not trusted.
     */
    public synchronized void login() {
        URI root = settings.engineRoot();
        HttpUrl url = HttpUrl.get(root.resolve("sso/oauth/token").toString());
        char[] pw = settings.password().reveal();
        FormBody form;
        try {
            form = new FormBody.Builder()
                    .add("grant_type", "password")
                    .add("scope", "ovirt-app-api")
                    .add("username", settings.user())
                    .add("password", new String(pw))
                    .build();
        } finally {
            Arrays.fill(pw, '\0');
        }
        Request req = new Request.Builder().url(url).post(form).header("Accept", "application/json").build();
        requests.incrementAndGet();
        try (Response resp = unpooled.newCall(req).execute()) {
            // a token answer (a Keycloak JWT runs to a few KiB) or an error: bounded either way
            JsonNode json = parseJson(text(resp.body(), MAX_TOKEN_BODY));
            if (!resp.isSuccessful() || json.path("access_token").asText("").isEmpty()) {
                String why = clean(json.path("error_description").asText(json.path("error").asText("")));
                why = why.isEmpty() ? "HTTP " + resp.code() : why;
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

    /** GET {@code path} (relative to the API URL, e.g. {@code vms} or {@code imagetransfers/ID}) with a query. */
    public <T> T get(String path, Map<String, String> query, Format format, BodyReader<T> reader) {
        HttpUrl.Builder ub = api.newBuilder().addPathSegments(path);
        query.forEach(ub::addQueryParameter);
        HttpUrl url = ub.build();
        String what = "GET " + url.encodedPath() + (url.encodedQuery() == null ? "" : "?" + url.query());
        return send(url, what, null, format, reader);
    }

    /**
     * POST a document to {@code path} (relative to the API URL): an entity to add ({@code imagetransfers}) or an
     * action ({@code vms/ID/shutdown} with {@code <action/>}). The engine acts only on an accepted request, so the
     * one retry after an expired token cannot act twice.
     */
    public <T> T post(String path, String body, Format format, BodyReader<T> reader) {
        HttpUrl url = api.newBuilder().addPathSegments(path).build();
        return send(url, "POST " + url.encodedPath(), body, format, reader);
    }

    private <T> T send(HttpUrl url, String what, String body, Format format, BodyReader<T> reader) {
        boolean idempotent = body == null;
        boolean renewed = false;
        for (int attempt = 1; ; attempt++) {
            String used = token();
            Request.Builder rb = new Request.Builder().url(url)
                    .header("Accept", format.type.toString())
                    .header("Version", "4")
                    .header("Authorization", "Bearer " + used);
            Request req = (body == null ? rb
                    : rb.post(RequestBody.create(body.getBytes(StandardCharsets.UTF_8), format.type))).build();
            requests.incrementAndGet();
            long t0 = System.nanoTime();
            // a POST, and a repeated GET, take a connection of their own: a pooled one may be closed already
            try (Response resp = (idempotent && attempt == 1 ? http : unpooled).newCall(req).execute()) {
                LOG.debug("{} -> {} ({} ms)", what, resp.code(), (System.nanoTime() - t0) / 1_000_000);
                if (resp.code() == 401 && !renewed) {
                    LOG.info("engine token expired during {}; logging in again", what);
                    renew(used);
                    renewed = true;
                    attempt--; // a renewal is not a failed attempt
                    continue;
                }
                if (!resp.isSuccessful()) {
                    if (idempotent && TRANSIENT.contains(resp.code()) && attempt < GET_ATTEMPTS) {
                        retryAfter(what, attempt, "HTTP " + resp.code());
                        continue;
                    }
                    throw new EngineStatusException(resp.code(), "engine " + settings.engineRoot() + " answered "
                            + resp.code() + " to " + what + (attempt > 1 ? " (attempt " + attempt + ")" : "")
                            + faultReason(resp.body())
                            + (resp.code() == 401 ? "; the login was refused again: check the user's permissions"
                                    : "; the engine's log (engine.log) tells more"));
                }
                try (InputStream in = resp.body().byteStream()) {
                    return reader.read(in);
                } catch (JsonProcessingException e) {
                    throw KvMigrateException.sourceUnreachable("engine " + settings.engineRoot() + " answered "
                            + what + " with JSON that cannot be read (" + e.getOriginalMessage() + "); check that "
                            + settings.apiUrl() + " is an oVirt engine's API", e);
                }
            } catch (IOException e) {
                if (idempotent && attempt < GET_ATTEMPTS && !(e instanceof SocketTimeoutException)
                        && !(e instanceof javax.net.ssl.SSLException) && !EngineTls.isTrustFailure(e)) {
                    retryAfter(what, attempt, e.getMessage() != null ? e.getMessage() : "connection failed");
                    continue;
                }
                throw transportFailure(what, e);
            }
        }
    }

    /** Logs why a GET is repeated and waits a little longer each time. */
    private static void retryAfter(String what, int attempt, String cause) {
        long delay = GET_BACKOFF_MILLIS * attempt;
        LOG.info("{} failed ({}); attempt {} of {} in {} ms", what, cause, attempt + 1, GET_ATTEMPTS, delay);
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvMigrateException(dev.kvmigrate.common.ExitCode.INTERRUPTED, "interrupted while repeating "
                    + what, e);
        }
    }

    private String token() {
        String t = token;
        if (t != null) {
            return t;
        }
        synchronized (this) {
            if (token == null) {
                login();
            }
            return token;
        }
    }

    /** Logs in again unless another thread already replaced the token that expired. */
    private synchronized void renew(String expired) {
        if (Objects.equals(token, expired)) {
            login();
        }
    }

    /** Fetches the engine's published CA (without trusting it) and builds the exception that shows it. */
    private KvMigrateException untrustedCa(Throwable cause) {
        HttpUrl url = HttpUrl.get(settings.engineRoot()
                .resolve("services/pki-resource?resource=ca-certificate&format=X509-PEM-CA").toString());
        OkHttpClient peek = EngineTls.peeking(http.newBuilder()).build();
        requests.incrementAndGet();
        try (Response resp = peek.newCall(new Request.Builder().url(url).build()).execute()) {
            if (!resp.isSuccessful()) {
                return KvMigrateException.sourceUnreachable("engine " + settings.engineRoot() + " presents a"
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
            return KvMigrateException.sourceUnreachable("engine " + settings.engineRoot() + " presents a certificate"
                    + " this JVM does not trust, and its CA could not be fetched from " + url + ": " + e.getMessage()
                    + "; pass the engine CA with --ca-file", e);
        }
    }

    private KvMigrateException transportFailure(String what, IOException e) {
        if (e instanceof SocketTimeoutException) {
            return KvMigrateException.sourceUnreachable("engine " + settings.engineRoot() + " did not answer " + what
                    + " within " + settings.readTimeout().toMillis() / 1000.0 + " s (timeout); check the engine's load, or"
                    + " ask for less at once", e);
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

    /** The engine's {@code <fault>} (XML) or {@code {"reason", "detail"}} (JSON) in parentheses, else a line. */
    private static String faultReason(ResponseBody body) {
        String text;
        try {
            text = text(body, MAX_ERROR_BODY).strip();
        } catch (IOException e) {
            return "";
        }
        String reason = "";
        String detail = "";
        if (text.startsWith("<")) {
            Matcher r = FAULT_REASON.matcher(text);
            Matcher d = FAULT_DETAIL.matcher(text);
            reason = r.find() ? clean(unescape(r.group(1))) : "";
            detail = d.find() ? clean(unescape(d.group(1))) : "";
        } else if (text.startsWith("{")) {
            JsonNode json = parseJson(text);
            reason = clean(json.path("reason").asText(""));
            detail = clean(json.path("detail").asText(""));
        }
        if (!reason.isEmpty() || !detail.isEmpty()) {
            return " (" + reason + (detail.isEmpty() || reason.isEmpty() ? "" : ": ") + detail + ")";
        }
        if (text.startsWith("<") || text.startsWith("{")) {
            return ""; // markup or JSON without the engine's fault: nothing of it is worth showing
        }
        String line = text.lines().findFirst().orElse("").strip();
        if (HEADER_OR_REQUEST.matcher(line).matches() || FORM.matcher(line).find()) {
            return ""; // an echo of the request: it may carry the token or the login form
        }
        String shown = clean(line);
        return shown.isEmpty() ? "" : " (" + shown + ")";
    }

    /**
     * Engine text made fit for a message: markup and control characters gone, anything that looks like a credential
     * or a form replaced, whitespace folded, at most {@value #MAX_REASON} characters.
     */
    static String clean(String text) {
        String t = TAG.matcher(text).replaceAll(" ");
        t = t.replaceAll("\\p{Cntrl}", " ");
        t = CREDENTIAL.matcher(t).replaceAll("[removed]");
        t = FORM.matcher(t).replaceAll("[removed]");
        t = t.replaceAll("\\s+", " ").strip();
        return t.length() > MAX_REASON ? t.substring(0, MAX_REASON) + "..." : t;
    }

    private static String unescape(String xmlText) {
        return xmlText.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
                .replace("&amp;", "&");
    }

    private static String text(ResponseBody body, int max) throws IOException {
        try (InputStream in = body.byteStream()) {
            return new String(in.readNBytes(max), StandardCharsets.UTF_8);
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

    @Override
    public String toString() {
        return "oVirt engine session " + settings.apiUrl() + " as " + settings.user();
    }
}
