package dev.kvmigrate.common.ovirt;

import dev.kvmigrate.common.KvMigrateException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach and log in to one oVirt / RHV engine: the one place for it, used by the inventory scan, the power
 * control and the importer's image transfers alike.
 *
 * @param apiUrl the API entry point, {@code https://ENGINE/ovirt-engine/api}
 * @param user the user with its profile, {@code admin@internal}
 * @param password the password; prints as a mask
 * @param caFile PEM file of the engine CA to trust; without it the JVM's trust store is used
 * @param insecure skip TLS verification entirely, or allow a plain {@code http://} engine (both logged as a
 *     warning: the password crosses the network in clear text); excludes {@code caFile}
 * @param connectTimeout TCP/TLS connect timeout
 * @param readTimeout time to wait for the engine between bytes of one answer
 */
public record EngineSettings(URI apiUrl, String user, Secret password, Optional<Path> caFile, boolean insecure,
        Duration connectTimeout, Duration readTimeout) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(120);
    /** The environment variable the CLI reads the password from when no password file is given. */
    public static final String PASSWORD_ENV = "KV_MIGRATE_OVIRT_PASSWORD";

    public EngineSettings {
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        caFile = Objects.requireNonNullElse(caFile, Optional.empty());
        connectTimeout = Objects.requireNonNullElse(connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        readTimeout = Objects.requireNonNullElse(readTimeout, DEFAULT_READ_TIMEOUT);
        String scheme = apiUrl.getScheme();
        if (scheme == null || !(scheme.equals("https") || scheme.equals("http")) || apiUrl.getHost() == null) {
            throw KvMigrateException.invalidInput("oVirt API URL " + apiUrl
                    + " is not an http(s) URL; give it as https://ENGINE/ovirt-engine/api");
        }
        if (scheme.equals("http") && !insecure && !isLoopback(apiUrl.getHost())) {
            throw KvMigrateException.invalidInput("oVirt API URL " + apiUrl + " is plain http://: the login would"
                    + " post the password in clear text; use https://" + apiUrl.getRawAuthority()
                    + apiUrl.getRawPath() + ", or give --insecure to send it anyway");
        }
        if (!apiUrl.getPath().endsWith("/api") && !apiUrl.getPath().endsWith("/api/")) {
            throw KvMigrateException.invalidInput("oVirt API URL " + apiUrl
                    + " does not end in /ovirt-engine/api; give it as https://ENGINE/ovirt-engine/api");
        }
        if (user.isBlank()) {
            throw KvMigrateException.invalidInput("the oVirt user is empty; give it as NAME@PROFILE (admin@internal)");
        }
        if (insecure && caFile.isPresent()) {
            throw KvMigrateException.invalidInput("--ca-file and --insecure exclude each other; give one");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative()
                || readTimeout.isZero()) {
            throw KvMigrateException.invalidInput("oVirt timeouts must be positive (connect " + connectTimeout
                    + ", read " + readTimeout + ")");
        }
    }

    /**
     * Whether {@code host} names this machine's loopback interface: plain http there (a tunnel's local end, a
     * test engine) does not put the password on a network.
     */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.matches("127(\\.\\d{1,3}){3}") || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1");
    }

    /** Whether the login and every request go unencrypted (an {@code http://} API URL). */
    public boolean plainHttp() {
        return apiUrl.getScheme().equals("http");
    }

    /** Settings with the default timeouts. */
    public static EngineSettings of(URI apiUrl, String user, Secret password, Optional<Path> caFile,
            boolean insecure) {
        return new EngineSettings(apiUrl, user, password, caFile, insecure, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_READ_TIMEOUT);
    }

    /** The same engine and login with other timeouts. */
    public EngineSettings withTimeouts(Duration connect, Duration read) {
        return new EngineSettings(apiUrl, user, password, caFile, insecure, connect, read);
    }

    /** The engine root, {@code https://ENGINE/ovirt-engine/} (SSO and PKI live beside the API). */
    public URI engineRoot() {
        String s = apiUrl.toString();
        s = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        return URI.create(s.substring(0, s.length() - "api".length()));
    }
}
