package dev.kvmigrate.importer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.importer.ImportResult;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.source.HttpSource;
import dev.kvmigrate.importer.source.ImageSource;
import dev.kvmigrate.importer.source.LocalFileSource;
import dev.kvmigrate.importer.source.OvaEntrySource;
import dev.kvmigrate.importer.standin.ClusterStandIn;
import dev.kvmigrate.importer.standin.RecordingListener;
import dev.kvmigrate.importer.standin.TestImages;
import dev.kvmigrate.importer.standin.Volume;
import dev.kvmigrate.importer.transfer.Checksum;
import dev.kvmigrate.importer.transfer.Compress;
import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdiUploadSinkIT {
    static final long SIZE = 64L * 1024 * 1024;
    @TempDir static Path tmp;
    static Path raw;
    static ClusterStandIn cluster;
    static final AtomicInteger names = new AtomicInteger();
    static final TransferSettings FAST = TransferSettings.defaults().withBackoff(Duration.ofMillis(20))
            .withWait(Duration.ofSeconds(30));

    @BeforeAll
    static void start() throws IOException {
        raw = TestImages.sparseRaw(tmp.resolve("disk.raw"), SIZE, 0.2, 11);
        cluster = ClusterStandIn.start(tmp.resolve("volumes"), SharedDir.require("schemas/cdi-swagger.json"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void objectsWereValid() {
        if (cluster != null) {
            assertThat(cluster.schemaViolations()).isEmpty();
            cluster.waitForFirstConsumer(false).provisioningFails(false);
            cluster.faults().readSlowly(0);
        }
    }

    static String name() {
        return "disk-" + names.incrementAndGet();
    }

    ImportResult upload(ImageSource source, CdiTarget target, TransferSettings settings, RecordingListener l) {
        return Importer.run(new Importer.Job(target.name(), source, new CdiUploadSink(cluster.client(), target)),
                settings, l);
    }

    Path volume(String name) {
        Volume v = cluster.volume("default", name).orElseThrow();
        assertThat(v.state()).isEqualTo(Volume.State.SUCCEEDED);
        return v.file();
    }

    @Test
    void everySourceKindLandsIdenticalAndMatchesTheDirectorySinkDigest() throws Exception {
        Path qcow2 = TestImages.convert(raw, "qcow2", tmp.resolve("s.qcow2"));
        Path vmdk = TestImages.convert(raw, "vmdk", tmp.resolve("s.vmdk"));
        Path gz = TestImages.gzip(raw, tmp.resolve("s.raw.gz"));
        Path ova = TestImages.ova(tmp.resolve("s.ova"), raw);
        HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/images/disk.raw", ex -> {
            long len = Files.size(raw);
            ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().add("Content-Length", Long.toString(len));
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.sendResponseHeaders(200, len);
                try (OutputStream o = ex.getResponseBody()) {
                    Files.copy(raw, o);
                }
            }
            ex.close();
        });
        web.start();
        try {
            HttpUrl url = HttpUrl.get("http://127.0.0.1:" + web.getAddress().getPort() + "/images/disk.raw");
            ImageSource[] sources = {new LocalFileSource(raw), new LocalFileSource(qcow2), new LocalFileSource(vmdk),
                new LocalFileSource(gz), new OvaEntrySource(ova, "disk.raw"), new HttpSource(url, new OkHttpClient())};
            String dirDigest = Importer.run(new Importer.Job("d", new LocalFileSource(raw),
                    new DirectorySink(tmp.resolve("dir"), "d")), FAST, new RecordingListener()).digest();
            for (ImageSource s : sources) {
                String name = name();
                // a compressed raw stream does not tell its size: such uploads need --size
                CdiTarget t = CdiTarget.dataVolume("default", name).withSize(SIZE);
                ImportResult r = upload(s, t, FAST, new RecordingListener());
                assertThat(TestImages.identical(raw, volume(name))).as(s.name()).isTrue();
                assertThat(r.outcome()).isEqualTo(ImportResult.Outcome.IMPORTED);
                if (r.digestScope().equals("disk")) {
                    assertThat(r.digest()).as(s.name()).isEqualTo(dirDigest)
                            .isEqualTo(cluster.volume("default", name).orElseThrow().digest(Checksum.XXH3));
                }
            }
        } finally {
            web.stop(0);
        }
    }

    @Test
    void holesDoNotCrossTheWire() throws Exception {
        long before = cluster.uploadBodyBytes();
        ImportResult r = upload(new LocalFileSource(raw), CdiTarget.dataVolume("default", name()), FAST,
                new RecordingListener());
        long sent = cluster.uploadBodyBytes() - before;
        assertThat(r.encoding()).isEqualTo("zstd-adaptive");
        assertThat(sent).isEqualTo(r.wireBytes()).isLessThan((long) (TestImages.allocated(raw) * 1.2));
    }

    @Test
    void adaptiveLevelsOnMixedContentLandIdenticalOnASlowAndAFastLink() throws Exception {
        Path mixed = tmp.resolve("mixed.raw");
        try (var ch = java.nio.channels.FileChannel.open(mixed, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE)) {
            // an OS-like disk: text, binary noise, small zero runs inside data, holes; 1 MiB pieces of 96 MiB
            java.util.Random rnd = new java.util.Random(5);
            String[] words = "usr lib share doc the of and license copyright gnu kernel module".split(" ");
            for (int i = 0; i < 96; i++) {
                byte[] b = new byte[1 << 20];
                switch (i % 6) {
                    case 0, 1, 2 -> {
                        StringBuilder sb = new StringBuilder();
                        while (sb.length() < b.length) {
                            sb.append(words[rnd.nextInt(words.length)]).append(rnd.nextInt(8) == 0 ? '\n' : ' ');
                        }
                        System.arraycopy(sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, b, 0,
                                b.length);
                        java.util.Arrays.fill(b, 128 * 1024, 192 * 1024, (byte) 0);
                    }
                    case 3 -> rnd.nextBytes(b);
                    default -> b = null;
                }
                if (b != null) {
                    ch.write(java.nio.ByteBuffer.wrap(b), (long) i << 20);
                }
            }
            ch.truncate(96L << 20);
            if (ch.size() < 96L << 20) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[1]), (96L << 20) - 1);
            }
        }
        long data = TestImages.allocated(mixed);
        String slow = name();
        ImportResult r = upload(new LocalFileSource(mixed), CdiTarget.dataVolume("default", slow),
                FAST.withLimiter(dev.kvmigrate.importer.transfer.RateLimiter.of(20_000_000)), new RecordingListener());
        assertThat(r.encoding()).isEqualTo("zstd-adaptive");
        assertThat(TestImages.identical(mixed, volume(slow))).isTrue();
        assertThat(r.levels()).as("a 20 MB/s link is worth compressing for").doesNotStartWith("none").isNotEmpty();
        // the limiter lets a 5 MB burst through unblocked, which the first samples count as link
        assertThat(r.linkBytesPerSecond()).isBetween(5_000_000L, 80_000_000L);
        assertThat(r.wireBytes()).isLessThan(data / 2);

        String fast = name();
        ImportResult f = upload(new LocalFileSource(mixed), CdiTarget.dataVolume("default", fast), FAST,
                new RecordingListener());
        assertThat(TestImages.identical(mixed, volume(fast))).isTrue();
        assertThat(f.digest()).isEqualTo(r.digest());
        assertThat(f.levels()).isNotEmpty();
        assertThat(f.linkBytesPerSecond()).isGreaterThan(r.linkBytesPerSecond());
    }

    @Test
    void compressedZstdAndGzipAndPlainEncodingsAllLandIdentical() throws Exception {
        for (Compress c : new Compress[] {Compress.ZSTD, Compress.GZIP, Compress.NONE}) {
            String name = name();
            upload(new LocalFileSource(raw), CdiTarget.dataVolume("default", name), FAST.withCompress(c),
                    new RecordingListener());
            assertThat(TestImages.identical(raw, volume(name))).as(c.name()).isTrue();
        }
    }

    @Test
    void cdiOlderThan157GetsGzipInsteadOfZstd() throws Exception {
        cluster.cdiVersion("v1.56.1");
        try {
            String name = name();
            ImportResult r = upload(new LocalFileSource(raw), CdiTarget.dataVolume("default", name), FAST,
                    new RecordingListener());
            assertThat(r.encoding()).isEqualTo("gzip");
            assertThat(TestImages.identical(raw, volume(name))).isTrue();
        } finally {
            cluster.cdiVersion("v1.66.0");
        }
    }

    @Test
    void busyProxyIsRetriedWithBackoffAndVisibleCauses() throws Exception {
        cluster.faults().unavailable(2);
        RecordingListener l = new RecordingListener();
        String name = name();
        ImportResult r = upload(new LocalFileSource(raw), CdiTarget.dataVolume("default", name), FAST, l);
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(l.retries).hasSize(2).allMatch(s -> s.contains("503"));
        assertThat(TestImages.identical(raw, volume(name))).isTrue();
    }

    @Test
    void cutConnectionAndServerErrorRestartFromByteZero() throws Exception {
        cluster.faults().cutAfter(5 * 1024 * 1024).serverError(1);
        RecordingListener l = new RecordingListener();
        String name = name();
        ImportResult r = upload(new LocalFileSource(raw), CdiTarget.dataVolume("default", name), FAST, l);
        assertThat(l.retries).hasSize(2);
        assertThat(l.retries.get(0)).contains("connection lost");
        assertThat(l.retries.get(1)).contains("500");
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(TestImages.identical(raw, volume(name))).isTrue();
    }

    @Test
    void expiredTokenGetsAFreshTokenPerAttempt() throws Exception {
        cluster.faults().expireTokens(1);
        int minted = cluster.tokensMinted();
        RecordingListener l = new RecordingListener();
        String name = name();
        upload(new LocalFileSource(raw), CdiTarget.dataVolume("default", name), FAST, l);
        assertThat(l.retries).singleElement().asString().contains("401");
        assertThat(cluster.tokensMinted() - minted).isEqualTo(2);
        assertThat(TestImages.identical(raw, volume(name))).isTrue();
    }

    @Test
    void tokensThatExpireBeforeUseAreReplacedEachAttempt() throws Exception {
        cluster.tokenTtl(Duration.ZERO);
        try {
            RecordingListener l = new RecordingListener();
            assertThatThrownBy(() -> upload(new LocalFileSource(raw), CdiTarget.dataVolume("default", name()),
                    FAST.withRetries(2), l)).isInstanceOf(KvMigrateException.class)
                    .hasMessageContaining("failed 3 times").hasMessageContaining("401");
            assertThat(l.retries).hasSize(2);
        } finally {
            cluster.tokenTtl(Duration.ofMinutes(5));
        }
    }

    @Test
    void persistentUnavailabilityEndsInAClearFailureNotASuccess() {
        cluster.faults().unavailable(10);
        RecordingListener l = new RecordingListener();
        String name = name();
        assertThatThrownBy(() -> upload(new LocalFileSource(raw), CdiTarget.dataVolume("default", name),
                FAST.withRetries(3), l)).isInstanceOf(KvMigrateException.class).hasMessageContaining("503");
        assertThat(l.retries).hasSize(3);
        assertThat(cluster.volume("default", name).orElseThrow().state()).isNotEqualTo(Volume.State.SUCCEEDED);
        cluster.faults().unavailable(0);
    }

    @Test
    void slowProxyStillCompletes() throws Exception {
        cluster.faults().readSlowly(200L * 1024 * 1024);
        String name = name();
        upload(new LocalFileSource(raw), CdiTarget.dataVolume("default", name), FAST, new RecordingListener());
        assertThat(TestImages.identical(raw, volume(name))).isTrue();
    }

    @Test
    void tooSmallVolumeIsRefusedBeforeAnyByteOrObject() {
        long before = cluster.uploadBodyBytes();
        String name = name();
        assertThatThrownBy(() -> upload(new LocalFileSource(raw),
                CdiTarget.dataVolume("default", name).withSize(32L << 20), FAST, new RecordingListener()))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("--size 64Mi");
        assertThat(cluster.uploadBodyBytes()).isEqualTo(before);
        assertThat(cluster.client().genericKubernetesResources(CdiResources.DATA_VOLUME).inNamespace("default")
                .withName(name).get()).isNull();
    }

    @Test
    void imageLargerThanTheVolumeFoundByTheServerStopsWithItsReason() throws IOException {
        Path gz = TestImages.gzip(raw, tmp.resolve("big.raw.gz"));
        RecordingListener l = new RecordingListener();
        assertThatThrownBy(() -> upload(new LocalFileSource(gz),
                CdiTarget.dataVolume("default", name()).withSize(16L << 20), FAST, l))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("larger than the volume");
        assertThat(l.retries).isEmpty();
    }

    @Test
    void secondUploadIntoAPopulatedVolumeReportsAlreadyPresent() {
        String name = name();
        upload(new LocalFileSource(raw), CdiTarget.dataVolume("default", name), FAST, new RecordingListener());
        ImportResult again = upload(new LocalFileSource(raw), CdiTarget.dataVolume("default", name), FAST,
                new RecordingListener());
        assertThat(again.outcome()).isEqualTo(ImportResult.Outcome.ALREADY_PRESENT);
        assertThat(again.wireBytes()).isZero();
    }

    @Test
    void waitForFirstConsumerFailsFastUnlessForceBind() throws Exception {
        cluster.waitForFirstConsumer(true);
        assertThatThrownBy(() -> upload(new LocalFileSource(raw), CdiTarget.dataVolume("default", name()), FAST,
                new RecordingListener())).isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("WaitForFirstConsumer").hasMessageContaining("--force-bind");
        String name = name();
        upload(new LocalFileSource(raw), CdiTarget.dataVolume("default", name).withForceBind(true), FAST,
                new RecordingListener());
        assertThat(TestImages.identical(raw, volume(name))).isTrue();
    }

    @Test
    void provisioningFailureIsSurfaced() {
        cluster.provisioningFails(true);
        assertThatThrownBy(() -> upload(new LocalFileSource(raw), CdiTarget.dataVolume("default", name()), FAST,
                new RecordingListener())).isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("ProvisioningFailed");
    }

    @Test
    void pvcTargetIsCreatedAnnotatedAndFilled() throws Exception {
        String name = name();
        upload(new LocalFileSource(raw), CdiTarget.dataVolume("default", name).asPvc(), FAST, new RecordingListener());
        assertThat(TestImages.identical(raw, volume(name))).isTrue();
        assertThat(cluster.client().persistentVolumeClaims().inNamespace("default").withName(name).get()
                .getMetadata().getAnnotations()).containsEntry(CdiResources.UPLOAD_TARGET, "");
    }
}
