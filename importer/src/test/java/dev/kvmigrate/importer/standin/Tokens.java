package dev.kvmigrate.importer.standin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Upload tokens as CDI mints them for an UploadTokenRequest: bound to one PVC, valid for a while. */
final class Tokens {
    record Grant(String namespace, String pvc, Instant expires) {}

    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final Clock clock;
    private volatile Duration ttl;

    Tokens(Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
    }

    void ttl(Duration d) {
        ttl = d;
    }

    String mint(String namespace, String pvc) {
        String token = "standin." + UUID.randomUUID() + "." + UUID.randomUUID();
        grants.put(token, new Grant(namespace, pvc, clock.instant().plus(ttl)));
        return token;
    }

    /** The grant of a token still valid now. */
    Optional<Grant> check(String token) {
        Grant g = grants.get(token);
        return g == null || !clock.instant().isBefore(g.expires()) ? Optional.empty() : Optional.of(g);
    }

    int minted() {
        return grants.size();
    }
}
