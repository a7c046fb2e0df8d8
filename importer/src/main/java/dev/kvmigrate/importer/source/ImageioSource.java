package dev.kvmigrate.importer.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.importer.format.Extent;
import dev.kvmigrate.importer.transfer.LogicalContent;
import dev.kvmigrate.importer.transfer.RangeContent;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An oVirt disk downloaded through ovirt-imageio: an image transfer (direction download, format raw) is
 * created on the engine, its extents say which ranges hold data, only those are fetched with Range GETs,
 * and the transfer is finalized when the import ends — on success, on failure, and on Ctrl-C (shutdown hook).
 */
public final class ImageioSource implements ExtentSource, FinishingSource {
    private static final Logger LOG = LoggerFactory.getLogger(ImageioSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OvirtEngine engine;
    private final String diskId;
    private final String transferId;
    private final HttpUrl transferUrl;
    private final long size;
    private final List<Extent> data;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Thread hook;

    private ImageioSource(OvirtEngine engine, String diskId, String transferId, HttpUrl transferUrl) throws IOException {
        this.engine = engine;
        this.diskId = diskId;
        this.transferId = transferId;
        this.transferUrl = transferUrl;
        this.hook = new Thread(() -> finish(false), "imageio-finalize-" + transferId);
        Runtime.getRuntime().addShutdownHook(hook);
        List<Extent> found = new ArrayList<>();
        long end = 0;
        JsonNode extents = get(transferUrl.newBuilder().addPathSegment("extents").build());
        for (JsonNode e : extents) {
            long start = e.path("start").asLong();
            long length = e.path("length").asLong();
            end = Math.max(end, start + length);
            if (!e.path("zero").asBoolean(false) && length > 0) {
                found.add(new Extent(start, length));
            }
        }
        this.size = end;
        this.data = List.copyOf(found);
    }

    /** Starts a download transfer of {@code diskId} and waits (up to a minute) until it is transferring. */
    public static ImageioSource start(OvirtEngine engine, String diskId) {
        String id = null;
        try {
            JsonNode t = engine.call("POST", "imagetransfers", JSON.createObjectNode()
                    .put("direction", "download").put("format", "raw")
                    .set("disk", JSON.createObjectNode().put("id", diskId)).toString());
            id = t.path("id").asText();
            for (int i = 0; i < 120 && !"transferring".equals(t.path("phase").asText()); i++) {
                if (t.path("phase").asText().startsWith("finished") || t.path("phase").asText().contains("fail")) {
                    throw new IOException("transfer " + id + " ended in phase " + t.path("phase").asText());
                }
                Thread.sleep(500);
                t = engine.call("GET", "imagetransfers/" + id, null);
            }
            String url = t.hasNonNull("transfer_url") ? t.get("transfer_url").asText() : t.path("proxy_url").asText();
            HttpUrl parsed = HttpUrl.parse(url);
            if (parsed == null) {
                throw new IOException("transfer " + id + " has no usable transfer_url or proxy_url");
            }
            return new ImageioSource(engine, diskId, id, parsed);
        } catch (IOException e) {
            if (id != null && !id.isEmpty()) {
                finalizeQuietly(engine, id);
            }
            throw KvMigrateException.sourceUnreachable("oVirt disk " + diskId + " on " + engine.host()
                    + ": cannot start the image transfer (" + e.getMessage() + "); is the disk OK and unlocked,"
                    + " and is the VM down?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (id != null) {
                finalizeQuietly(engine, id);
            }
            throw new KvMigrateException(dev.kvmigrate.common.ExitCode.INTERRUPTED, "interrupted", e);
        }
    }

    private JsonNode get(HttpUrl url) throws IOException {
        try (Response r = engine.http().newCall(new Request.Builder().url(url).build()).execute()) {
            if (!r.isSuccessful()) {
                throw new IOException("GET " + url.encodedPath() + " answered HTTP " + r.code());
            }
            return JSON.readTree(r.body().string());
        }
    }

    @Override
    public String name() {
        return "ovirt:" + engine.host() + "/disks/" + diskId;
    }

    @Override
    public String diskName() {
        return "disk-" + diskId.substring(0, Math.min(8, diskId.length())).toLowerCase(java.util.Locale.ROOT);
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
        Request req = new Request.Builder().url(transferUrl)
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
        return new RangeContent(size, data, this::range);
    }

    @Override
    public void finish(boolean succeeded) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        // A download changes nothing on the disk: finalize releases its lock whatever the outcome.
        finalizeQuietly(engine, transferId);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            LOG.debug("shutting down; the hook is running");
        }
    }

    private static void finalizeQuietly(OvirtEngine engine, String id) {
        try {
            engine.call("POST", "imagetransfers/" + id + "/finalize", "{}");
        } catch (IOException e) {
            LOG.warn("could not finalize oVirt image transfer {}: {}; finalize it in the admin portal", id,
                    e.getMessage());
        }
    }
}
