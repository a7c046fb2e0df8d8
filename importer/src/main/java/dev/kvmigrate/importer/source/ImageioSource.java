package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.json.Mappers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.importer.format.Extent;
import dev.kvmigrate.importer.transfer.LogicalContent;
import dev.kvmigrate.importer.transfer.RangeContent;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An oVirt disk downloaded through ovirt-imageio: an image transfer (direction download, format raw) is created on
 * the engine; imageio is asked for its features ({@code OPTIONS}) on the host, else through the engine's proxy; its
 * extents say which ranges hold data, only those are fetched with Range GETs, several at once (up to imageio's
 * {@code max_readers}, default 4: {@link RangeContent}). The transfer is finalized when the
 * import succeeds and cancelled when it fails or on Ctrl-C (shutdown hook).
 */
public final class ImageioSource implements ExtentSource, FinishingSource {
    private static final Logger LOG = LoggerFactory.getLogger(ImageioSource.class);
    private static final ObjectMapper JSON = Mappers.json();

    private final OvirtEngine engine;
    private final String diskId;
    private final String transferId;
    private final HttpUrl imageUrl;
    private final long size;
    private final List<Extent> data;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Thread hook;
    private final int readers;
    static final String READERS_PROPERTY = "kvmigrate.imageio.readers";
    private static final int DEFAULT_READERS = 4;

    private ImageioSource(OvirtEngine engine, OvirtEngine.Transfer transfer, HttpUrl imageUrl, long size,
            List<Extent> data, int readers) {
        this.readers = readers;
        this.engine = engine;
        this.diskId = transfer.diskId();
        this.transferId = transfer.id();
        this.imageUrl = imageUrl;
        this.size = size;
        this.data = List.copyOf(data);
        this.hook = new Thread(this::cancelOnExit, "imageio-cancel-" + transferId);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts a download transfer of {@code diskId}, waits until it is transferring and reads the disk's extents. A
     * transfer that cannot be used is cancelled before this fails.
     */
    public static ImageioSource start(OvirtEngine engine, String diskId) {
        OvirtEngine.Transfer transfer = engine.startDownload(diskId);
        try {
            HttpUrl url = null;
            Options options = Options.NONE;
            IOException unreachable = null;
            for (HttpUrl candidate : transfer.urls()) {
                try {
                    options = options(engine, candidate);
                    url = candidate;
                    break;
                } catch (IOException e) {
                    LOG.info("ovirt-imageio at {}:{} cannot be used ({}); trying the next URL of transfer {}",
                            candidate.host(), candidate.port(), e.getMessage(), transfer.id());
                    unreachable = e;
                }
            }
            if (url == null) {
                throw new IOException("no URL of the transfer answers (" + unreachable.getMessage() + "); the host's"
                        + " port 54322 or the engine's imageio proxy on port 54323 must be reachable", unreachable);
            }
            long size;
            List<Extent> found = new ArrayList<>();
            if (options.features().contains("extents")) {
                size = 0;
                for (JsonNode e : get(engine, url.newBuilder().addPathSegment("extents").build())) {
                    long start = e.path("start").asLong();
                    long length = e.path("length").asLong();
                    size = Math.max(size, start + length);
                    if (!e.path("zero").asBoolean(false) && length > 0) {
                        found.add(new Extent(start, length));
                    }
                }
            } else {
                // An imageio without extents: every byte is fetched, the disk's virtual size from the engine.
                OptionalLong provisioned = engine.provisionedSize(diskId);
                if (provisioned.isEmpty()) {
                    throw new IOException("imageio lists no extents and the engine gives no provisioned_size");
                }
                size = provisioned.getAsLong();
                found.add(new Extent(0, size));
            }
            return new ImageioSource(engine, transfer, url, size, found, readers(options));
        } catch (IOException | RuntimeException e) {
            cancelQuietly(engine, transfer.id());
            if (e instanceof KvMigrateException k) {
                throw k;
            }
            throw KvMigrateException.sourceUnreachable("oVirt disk " + diskId + " on " + engine.host()
                    + ": image transfer " + transfer.id() + " cannot be read (" + e.getMessage() + "); it was"
                    + " cancelled", e);
        }
    }

    /** What imageio's {@code OPTIONS} says: its features, and how many readers it serves at once. */
    record Options(Set<String> features, int maxReaders) {
        static final Options NONE = new Options(Set.of(), 1);
    }

    /** Range requests at a time: {@code -Dkvmigrate.imageio.readers} (default 4), at most imageio's max_readers. */
    static int readers(Options options) {
        int wanted = Integer.getInteger(READERS_PROPERTY, DEFAULT_READERS);
        return Math.max(1, Math.min(wanted, options.maxReaders()));
    }

    /**
     * imageio's {@code OPTIONS}: its features and {@code max_readers}; an imageio that predates OPTIONS (405) has
     * neither, and gets one reader.
     */
    private static Options options(OvirtEngine engine, HttpUrl url) throws IOException {
        Request req = new Request.Builder().url(url).method("OPTIONS", null).build();
        try (Response r = engine.http().newCall(req).execute()) {
            if (r.code() == 405) {
                return Options.NONE;
            }
            if (!r.isSuccessful()) {
                throw new IOException("OPTIONS " + url.encodedPath() + " answered HTTP " + r.code());
            }
            Set<String> out = new HashSet<>();
            JsonNode body = JSON.readTree(r.body().byteStream());
            body.path("features").forEach(f -> out.add(f.asText()));
            return new Options(out, body.path("max_readers").asInt(1));
        }
    }

    private static JsonNode get(OvirtEngine engine, HttpUrl url) throws IOException {
        try (Response r = engine.http().newCall(new Request.Builder().url(url).build()).execute()) {
            if (!r.isSuccessful()) {
                throw new IOException("GET " + url.encodedPath() + " answered HTTP " + r.code());
            }
            return JSON.readTree(r.body().byteStream());
        }
    }

    @Override
    public String name() {
        return "ovirt:" + engine.host() + "/disks/" + diskId;
    }

    @Override
    public String diskName() {
        return "disk-" + diskId.substring(0, Math.min(8, diskId.length())).toLowerCase(Locale.ROOT);
    }

    @Override
    public OptionalLong length() {
        return OptionalLong.of(size);
    }

    @Override
    public InputStream open() throws IOException {
        return range(0, size);
    }

    private InputStream range(long offset, long length) throws IOException {
        Request req = new Request.Builder().url(imageUrl)
                .header("Range", "bytes=" + offset + "-" + (offset + length - 1)).build();
        Response r = engine.http().newCall(req).execute();
        if (r.code() != 206 && !(r.code() == 200 && offset == 0)) {
            r.close();
            throw new IOException("imageio GET of range " + offset + "+" + length + " answered HTTP " + r.code());
        }
        return r.body().byteStream();
    }

    @Override
    public LogicalContent content() {
        return new RangeContent(size, data, this::range, readers);
    }

    @Override
    public void finish(boolean succeeded) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        try {
            if (succeeded) {
                engine.finalizeTransfer(transferId);
            } else {
                engine.cancel(transferId);
            }
            String end = engine.awaitEnd(transferId);
            if (succeeded && end.contains("fail")) {
                LOG.warn("oVirt image transfer {} of disk {} ended {} on {}; check the disk's status in the"
                        + " administration portal", transferId, diskId, end, engine.host());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("could not {} oVirt image transfer {} on {}: {}; {} it in the administration portal",
                    succeeded ? "finalize" : "cancel", transferId, engine.host(), e.getMessage(),
                    succeeded ? "finalize" : "cancel");
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            LOG.debug("shutting down; the hook is running");
        }
    }

    /** On Ctrl-C: cancel without waiting, so that the disk's lock is released and the JVM exits promptly. */
    private void cancelOnExit() {
        if (finished.compareAndSet(false, true)) {
            cancelQuietly(engine, transferId);
        }
    }

    private static void cancelQuietly(OvirtEngine engine, String id) {
        try {
            engine.cancel(id);
        } catch (RuntimeException e) {
            LOG.warn("could not cancel oVirt image transfer {} on {}: {}; cancel it in the administration portal",
                    id, engine.host(), e.getMessage());
        }
    }
}
