package dev.kvmigrate.inventory.ovirt;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.ovirt.EngineSettings;
import dev.kvmigrate.common.ovirt.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How to scan one oVirt / RHV engine: the engine and its login ({@link EngineSettings}, shared with the importer)
 * and which VMs to fetch, how many per request.
 *
 * @param engine the engine URL, user, password, TLS trust and timeouts
 * @param search an oVirt search expression selecting VMs ({@code cluster=prod and status=down}), when given
 * @param pageSize VMs per request (the {@code max} parameter); 1 to 1000
 */
public record OvirtSettings(EngineSettings engine, Optional<String> search, int pageSize) {
    /** Default VMs per page: 500 VMs take three pages. */
    public static final int DEFAULT_PAGE_SIZE = 200;

    public OvirtSettings {
        Objects.requireNonNull(engine, "engine");
        search = Objects.requireNonNullElse(search, Optional.<String>empty()).filter(s -> !s.isBlank());
        if (pageSize < 1 || pageSize > 1000) {
            throw KvMigrateException.invalidInput("oVirt page size " + pageSize + " is outside 1..1000");
        }
    }

    /** Scan settings with the default page size. */
    public static OvirtSettings of(EngineSettings engine, Optional<String> search) {
        return new OvirtSettings(engine, search, DEFAULT_PAGE_SIZE);
    }

    /** Settings with the defaults for page size and timeouts. */
    public static OvirtSettings of(URI apiUrl, String user, Secret password, Optional<Path> caFile, boolean insecure,
            Optional<String> search) {
        return of(EngineSettings.of(apiUrl, user, password, caFile, insecure), search);
    }

    /** The API URL, {@code https://ENGINE/ovirt-engine/api}. */
    public URI apiUrl() {
        return engine.apiUrl();
    }
}
