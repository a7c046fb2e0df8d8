package dev.kvmigrate.inventory.ovirt;

import dev.kvmigrate.common.KvMigrateException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach one oVirt / RHV engine.
 *
 * @param apiUrl the API entry point, {@code https://ENGINE/ovirt-engine/api}
 * @param user the user with its profile, {@code admin@internal}
 * @param password the password; prints as a mask
 * @param caFile PEM file of the engine CA to trust; without it the JVM's trust store is used
 * @param insecure skip TLS verification entirely (logged as a warning); excludes {@code caFile}
 * @param search an oVirt search expression selecting VMs ({@code cluster=prod and status=down}), when given
 * @param pageSize VMs per request (the {@code max} parameter); 1 to 1000
 * @param connectTimeout TCP/TLS connect timeout
 * @param readTimeout time to wait for the engine between bytes of one answer
 */
public record OvirtSettings(URI apiUrl, String user, Secret password, Optional<Path> caFile, boolean insecure,
        Optional<String> search, int pageSize, Duration connectTimeout, Duration readTimeout) {
    /** Default VMs per page: 500 VMs take three pages. */
    public static final int DEFAULT_PAGE_SIZE = 200;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(120);
    /** The environment variable the CLI reads the password from when no password file is given. */
    public static final String PASSWORD_ENV = "KV_MIGRATE_OVIRT_PASSWORD";

    public OvirtSettings {
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        caFile = Objects.requireNonNullElse(caFile, Optional.empty());
        search = Objects.requireNonNullElse(search, Optional.<String>empty()).filter(s -> !s.isBlank());
        connectTimeout = Objects.requireNonNullElse(connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        readTimeout = Objects.requireNonNullElse(readTimeout, DEFAULT_READ_TIMEOUT);
        String scheme = apiUrl.getScheme();
        if (scheme == null || !(scheme.equals("https") || scheme.equals("http")) || apiUrl.getHost() == null) {
            throw KvMigrateException.invalidInput("oVirt API URL " + apiUrl
                    + " is not an http(s) URL; give it as https://ENGINE/ovirt-engine/api");
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
        if (pageSize < 1 || pageSize > 1000) {
            throw KvMigrateException.invalidInput("oVirt page size " + pageSize + " is outside 1..1000");
        }
    }

    /** Settings with the defaults for page size and timeouts. */
    public static OvirtSettings of(URI apiUrl, String user, Secret password, Optional<Path> caFile, boolean insecure,
            Optional<String> search) {
        return new OvirtSettings(apiUrl, user, password, caFile, insecure, search, DEFAULT_PAGE_SIZE,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
    }

    /** The engine root, {@code https://ENGINE/ovirt-engine/} (SSO and PKI live beside the API). */
    URI engineRoot() {
        String s = apiUrl.toString();
        s = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        return URI.create(s.substring(0, s.length() - "api".length()));
    }
}
