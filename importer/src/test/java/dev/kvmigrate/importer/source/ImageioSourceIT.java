package dev.kvmigrate.importer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.ProgressListener;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.format.Extent;
import dev.kvmigrate.importer.sink.DirectorySink;
import dev.kvmigrate.importer.standin.TestImages;
import dev.kvmigrate.importer.transfer.FileSliceContent;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A loopback oVirt engine + imageio daemon serving a real sparse image. */
class ImageioSourceIT {
    static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
    @TempDir Path tmp;
    MockWebServer server;
    Path disk;
    final List<String> calls = new CopyOnWriteArrayList<>();
    final AtomicLong rangeBytes = new AtomicLong();
    volatile boolean breakRanges;

    @BeforeEach
    void start() throws IOException {
        disk = TestImages.sparseRaw(tmp.resolve("disk.raw"), 16L << 20, 0.25, 9);
        List<Extent> data = new FileSliceContent(disk, 0, 16L << 20).blockExtents();
        server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                String path = r.getUrl().encodedPath();
                calls.add(r.getMethod() + " " + path);
                if (path.equals("/ovirt-engine/sso/oauth/token")) {
                    return json("{\"access_token\":\"tok\"}");
                }
                if (!path.startsWith("/images/") && !"Bearer tok".equals(r.getHeaders().get("Authorization"))) {
                    return new MockResponse.Builder().code(401).build();
                }
                if (r.getMethod().equals("POST") && path.equals("/ovirt-engine/api/imagetransfers")) {
                    assertThat(r.getBody().utf8()).contains("\"direction\":\"download\"").contains("\"d-1\"");
                    return json("{\"id\":\"t-1\",\"phase\":\"initializing\"}");
                }
                if (path.equals("/ovirt-engine/api/imagetransfers/t-1")) {
                    return json("{\"id\":\"t-1\",\"phase\":\"transferring\",\"transfer_url\":\""
                            + server.url("/images/ticket-1") + "\"}");
                }
                if (path.equals("/ovirt-engine/api/imagetransfers/t-1/finalize")) {
                    return json("{}");
                }
                if (path.equals("/images/ticket-1/extents")) {
                    StringBuilder s = new StringBuilder("[");
                    long pos = 0;
                    for (Extent e : data) {
                        if (e.offset() > pos) {
                            s.append(extent(pos, e.offset() - pos, true)).append(',');
                        }
                        s.append(extent(e.offset(), e.length(), false)).append(',');
                        pos = e.end();
                    }
                    s.append(extent(pos, (16L << 20) - pos, true)).append(']');
                    return json(s.toString());
                }
                if (path.equals("/images/ticket-1")) {
                    if (breakRanges) {
                        return new MockResponse.Builder().code(500).build();
                    }
                    Matcher m = RANGE.matcher(r.getHeaders().get("Range"));
                    assertThat(m.matches()).isTrue();
                    long from = Long.parseLong(m.group(1));
                    int n = (int) (Long.parseLong(m.group(2)) - from + 1);
                    byte[] b = new byte[n];
                    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "r")) {
                        f.seek(from);
                        f.readFully(b);
                    } catch (IOException e) {
                        return new MockResponse.Builder().code(500).build();
                    }
                    rangeBytes.addAndGet(n);
                    return new MockResponse.Builder().code(206).body(new Buffer().write(b)).build();
                }
                return new MockResponse.Builder().code(404).build();
            }
        });
        server.start();
    }

    static String extent(long start, long length, boolean zero) {
        return "{\"start\":" + start + ",\"length\":" + length + ",\"zero\":" + zero + ",\"hole\":" + zero + "}";
    }

    static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(body).build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    OvirtEngine engine() {
        return OvirtEngine.login(server.url("/ovirt-engine/api"), new OkHttpClient(), "admin@internal",
                "secret".toCharArray());
    }

    @Test
    void downloadsOnlyDataExtentsAndFinalizes() throws IOException {
        ImageioSource source = ImageioSource.start(engine(), "d-1");
        Importer.run(new Importer.Job("d", source, new DirectorySink(tmp.resolve("out"), "d")),
                TransferSettings.defaults(), ProgressListener.NONE);
        assertThat(TestImages.identical(disk, tmp.resolve("out/d.img"))).isTrue();
        assertThat(rangeBytes.get()).isLessThanOrEqualTo(TestImages.allocated(disk));
        assertThat(calls).containsOnlyOnce("POST /ovirt-engine/api/imagetransfers/t-1/finalize");
    }

    @Test
    void aFailedDownloadStillFinalizesAndIsNoSuccess() {
        ImageioSource source = ImageioSource.start(engine(), "d-1");
        breakRanges = true;
        assertThatThrownBy(() -> Importer.run(new Importer.Job("d", source,
                new DirectorySink(tmp.resolve("out2"), "d")), TransferSettings.defaults(), ProgressListener.NONE))
                .isInstanceOf(KvMigrateException.class);
        assertThat(tmp.resolve("out2/d.img")).doesNotExist();
        assertThat(calls).containsOnlyOnce("POST /ovirt-engine/api/imagetransfers/t-1/finalize");
    }
}
