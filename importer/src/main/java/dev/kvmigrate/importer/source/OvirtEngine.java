package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.json.Mappers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.ovirt.EngineSession;
import dev.kvmigrate.common.ovirt.EngineSettings;
import dev.kvmigrate.common.ovirt.EngineStatusException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's image transfers, as far as disk downloads need them: create one (direction download, format raw) for
 * a disk, wait until it is {@code transferring}, hand out its imageio URLs ({@code transfer_url} on the host, else
 * {@code proxy_url} on the engine), and finalize or cancel it. Everything goes through one {@link EngineSession}
 * (login, token renewal, TLS trust); imageio itself is reached with the session's HTTP client.
 */
public final class OvirtEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OvirtEngine.class);
    private static final ObjectMapper JSON = Mappers.json();
    /** Phases a new transfer passes through before it is {@code transferring}. */
    private static final Set<String> STARTING = Set.of("", "unknown", "initializing", "resuming");
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration END_TIMEOUT = Duration.ofSeconds(60);

    private final EngineSession session;
    private final boolean ownsSession;

    private OvirtEngine(EngineSession session, boolean ownsSession) {
        this.session = Objects.requireNonNull(session, "session");
        this.ownsSession = ownsSession;
    }

    /** Image transfers through a session its caller owns (and closes); {@link #close()} leaves it open. */
    public static OvirtEngine on(EngineSession session) {
        return new OvirtEngine(session, false);
    }

    /**
     * Image transfers on the engine of {@code settings}, through a session of its own: it logs in once, lazily, on
     * the first transfer (so building it for a plan that may hold no oVirt disk costs nothing), renews the token
     * when it expires, and is closed by {@link #close()}.
     */
    public static OvirtEngine connect(EngineSettings settings) {
        return new OvirtEngine(EngineSession.open(settings), true);
    }

    /**
     * This engine for a disk recorded on {@code apiUrl}, for {@code ImageSources.Context.withOvirt(engine::forDisksOn)};
     * refuses a disk of another engine rather than asking this one for a disk id it does not know.
     */
    public OvirtEngine forDisksOn(URI apiUrl) {
        URI own = session.settings().apiUrl();
        if (!Objects.equals(own.getHost(), apiUrl.getHost()) || port(own) != port(apiUrl)) {
            throw KvMigrateException.invalidInput("the oVirt disk is on engine " + apiUrl + " but the session is for "
                    + own + "; give the settings of that engine", null);
        }
        return this;
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "http".equalsIgnoreCase(u.getScheme()) ? 80 : 443;
    }

    /** A transfer that reached {@code transferring}: its id and the imageio URLs to try, host first. */
    record Transfer(String id, String diskId, List<HttpUrl> urls) {
        Transfer {
            urls = List.copyOf(urls);
        }
    }

    OkHttpClient http() {
        return session.http();
    }

    String host() {
        return session.settings().apiUrl().getHost();
    }

    /**
     * Creates a download transfer of {@code diskId} and waits (up to {@link #START_TIMEOUT}) until it is
     * transferring. A transfer that does not get there is cancelled; the failure names the disk and the phase.
     */
    Transfer startDownload(String diskId) {
        ObjectNode request = JSON.createObjectNode().put("direction", "download").put("format", "raw");
        request.set("disk", JSON.createObjectNode().put("id", diskId));
        JsonNode t;
        try {
            t = session.post("imagetransfers", request.toString(), EngineSession.Format.JSON, JSON::readTree);
        } catch (EngineStatusException e) {
            throw KvMigrateException.sourceUnreachable("oVirt disk " + diskId + " on " + host() + ": the engine"
                    + " refused the download transfer: " + e.getMessage() + "; is the disk OK and unlocked, is the VM"
                    + " down, and may the user transfer disks (DiskOperator)?", e);
        }
        String id = t.path("id").asText("");
        if (id.isEmpty()) {
            throw KvMigrateException.sourceUnreachable("oVirt disk " + diskId + " on " + host() + ": the engine"
                    + " answered the new image transfer without an id; check the engine version (4.x API)", null);
        }
        try {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            long pause = 100;
            while (STARTING.contains(phase(t)) && System.nanoTime() < deadline) {
                Thread.sleep(pause);
                pause = Math.min(1000, pause * 2);
                t = session.get("imagetransfers/" + id, Map.of(), EngineSession.Format.JSON, JSON::readTree);
            }
            if (!phase(t).equals("transferring")) {
                throw KvMigrateException.sourceUnreachable("oVirt disk " + diskId + " on " + host() + ": image"
                        + " transfer " + id + " is " + (STARTING.contains(phase(t)) ? "still " + phase(t) + " after "
                        + START_TIMEOUT.toSeconds() + " s" : "in phase " + phase(t)) + " instead of transferring;"
                        + " check the host's vdsm and ovirt-imageio services and the events in the administration"
                        + " portal", null);
            }
            List<HttpUrl> urls = new ArrayList<>();
            url(t, "transfer_url").ifPresent(urls::add);
            url(t, "proxy_url").ifPresent(urls::add);
            if (urls.isEmpty()) {
                throw KvMigrateException.sourceUnreachable("oVirt disk " + diskId + " on " + host() + ": image"
                        + " transfer " + id + " has neither a transfer_url nor a proxy_url", null);
            }
            return new Transfer(id, diskId, urls);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelQuietly(id);
            throw new KvMigrateException(ExitCode.INTERRUPTED, "interrupted while the download of oVirt disk "
                    + diskId + " starts; its image transfer " + id + " was cancelled", e);
        } catch (RuntimeException e) {
            cancelQuietly(id);
            throw e;
        }
    }

    /** The disk's virtual size ({@code provisioned_size}), for an imageio that cannot list extents. */
    OptionalLong provisionedSize(String diskId) {
        JsonNode disk = session.get("disks/" + diskId, Map.of(), EngineSession.Format.JSON, JSON::readTree);
        String size = disk.path("provisioned_size").asText("");
        return size.matches("\\d+") ? OptionalLong.of(Long.parseLong(size)) : OptionalLong.empty();
    }

    /** Ends a transfer whose bytes all arrived: the engine releases the disk's lock. */
    void finalizeTransfer(String id) {
        session.post("imagetransfers/" + id + "/finalize", "{}", EngineSession.Format.JSON, JSON::readTree);
    }

    /** Ends a transfer that failed or was interrupted; a download leaves the disk as it was either way. */
    void cancel(String id) {
        session.post("imagetransfers/" + id + "/cancel", "{}", EngineSession.Format.JSON, JSON::readTree);
    }

    /**
     * Waits (up to {@link #END_TIMEOUT}) until the engine has ended a finalized or cancelled transfer: a
     * {@code finished_…} phase, or the transfer removed (newer engines drop it once it ends). The final phase, or
     * {@code removed}.
     */
    String awaitEnd(String id) throws InterruptedException {
        long deadline = System.nanoTime() + END_TIMEOUT.toNanos();
        long pause = 100;
        while (true) {
            String phase;
            try {
                phase = phase(session.get("imagetransfers/" + id, Map.of(), EngineSession.Format.JSON,
                        JSON::readTree));
            } catch (EngineStatusException e) {
                if (e.status() == 404) {
                    return "removed";
                }
                throw e;
            }
            if (phase.startsWith("finished") || System.nanoTime() >= deadline) {
                return phase;
            }
            Thread.sleep(pause);
            pause = Math.min(1000, pause * 2);
        }
    }

    private void cancelQuietly(String id) {
        try {
            cancel(id);
        } catch (RuntimeException e) {
            LOG.warn("could not cancel oVirt image transfer {} on {}: {}; cancel it in the administration portal",
                    id, host(), e.getMessage());
        }
    }

    private static String phase(JsonNode transfer) {
        return transfer.path("phase").asText("");
    }

    private static Optional<HttpUrl> url(JsonNode transfer, String field) {
        return Optional.ofNullable(HttpUrl.parse(transfer.path(field).asText("")));
    }

    /** Closes the session when this engine opened it ({@link #connect}); a shared one stays open. */
    @Override
    public void close() {
        if (ownsSession) {
            session.close();
        }
    }

    @Override
    public String toString() {
        return "oVirt image transfers on " + session.settings().apiUrl();
    }
}
