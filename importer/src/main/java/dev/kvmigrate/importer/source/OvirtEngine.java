package dev.kvmigrate.importer.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The oVirt engine REST API (v4, JSON) as far as disk downloads need it: an SSO token, image transfers.
 * The password is used once, for the token, and never logged or kept.
 */
public final class OvirtEngine {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    private final HttpUrl api;
    private final OkHttpClient http;
    private final String token;

    private OvirtEngine(HttpUrl api, OkHttpClient http, String token) {
        this.api = api;
        this.http = http;
        this.token = token;
    }

    /**
     * Logs in: {@code api} is {@code https://ENGINE/ovirt-engine/api}; the token comes from the engine's SSO
     * ({@code /ovirt-engine/sso/oauth/token}, grant_type=password, scope=ovirt-app-api).
     */
    public static OvirtEngine login(HttpUrl api, OkHttpClient http, String user, char[] password) {
        HttpUrl sso = api.newBuilder().encodedPath(api.encodedPath().replaceFirst("/api/?$", "/sso/oauth/token"))
                .build();
        RequestBody form = new FormBody.Builder().add("grant_type", "password").add("username", user)
                .add("password", new String(password)).add("scope", "ovirt-app-api").build();
        try (Response r = http.newCall(new Request.Builder().url(sso).header("Accept", "application/json")
                .post(form).build()).execute()) {
            JsonNode body = JSON.readTree(r.body().string());
            if (!r.isSuccessful() || !body.hasNonNull("access_token")) {
                throw KvMigrateException.sourceUnreachable("oVirt engine " + api.host() + " refused the login of "
                        + user + " (HTTP " + r.code() + " " + body.path("error_description").asText("") + ");"
                        + " check the user and the password file", null);
            }
            return new OvirtEngine(api, http, body.get("access_token").asText());
        } catch (IOException e) {
            throw KvMigrateException.sourceUnreachable("oVirt engine " + api.host() + " is not reachable: "
                    + e.getMessage() + "; check the URL and --ovirt-ca-file", e);
        }
    }

    OkHttpClient http() {
        return http;
    }

    String host() {
        return api.host();
    }

    /** POST/GET on the API (path relative to {@code …/api/}), JSON in and out. */
    JsonNode call(String method, String path, String jsonBody) throws IOException {
        HttpUrl url = api.newBuilder().addPathSegments(path).build();
        Request.Builder b = new Request.Builder().url(url).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").header("Version", "4");
        b.method(method, jsonBody == null ? null : RequestBody.create(jsonBody, JSON_TYPE));
        try (Response r = http.newCall(b.build()).execute()) {
            String text = r.body().string();
            if (!r.isSuccessful()) {
                throw new IOException(method + " " + path + " answered HTTP " + r.code() + ": "
                        + (text.length() > 300 ? text.substring(0, 300) : text));
            }
            return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        }
    }
}
