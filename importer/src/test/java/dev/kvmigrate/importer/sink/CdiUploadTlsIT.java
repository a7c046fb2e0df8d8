package dev.kvmigrate.importer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.source.LocalFileSource;
import dev.kvmigrate.importer.standin.ClusterStandIn;
import dev.kvmigrate.importer.standin.RecordingListener;
import dev.kvmigrate.importer.standin.TestImages;
import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upload proxy on HTTPS with a self-signed certificate, as CDI deploys it. */
class CdiUploadTlsIT {
    @TempDir static Path tmp;
    static Path raw;
    static ClusterStandIn cluster;
    static final TransferSettings FAST = TransferSettings.defaults().withBackoff(Duration.ofMillis(20))
            .withWait(Duration.ofSeconds(30));

    @BeforeAll
    static void start() throws Exception {
        raw = TestImages.sparseRaw(tmp.resolve("disk.raw"), 8L << 20, 0.5, 1);
        cluster = ClusterStandIn.startTls(tmp.resolve("v"), SharedDir.require("schemas/cdi-swagger.json"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    void upload(CdiTarget t, RecordingListener l) {
        Importer.run(new Importer.Job(t.name(), new LocalFileSource(raw), new CdiUploadSink(cluster.client(), t)),
                FAST, l);
    }

    @Test
    void theCaPublishedInCdiConfigIsTrusted() throws Exception {
        assertThat(cluster.uploadProxyUrl()).startsWith("https://");
        upload(CdiTarget.dataVolume("default", "tls-ok"), new RecordingListener());
        assertThat(TestImages.identical(raw, cluster.volume("default", "tls-ok").orElseThrow().file())).isTrue();
    }

    @Test
    void aWrongCaStopsAtOnceWithTheFixNotAfterRetries() throws Exception {
        Path other = tmp.resolve("other.pem");
        try (ClusterStandIn second = ClusterStandIn.startTls(tmp.resolve("v2"),
                SharedDir.require("schemas/cdi-swagger.json"))) {
            Files.writeString(other, second.uploadProxyCa().orElseThrow());
        }
        RecordingListener l = new RecordingListener();
        assertThatThrownBy(() -> upload(CdiTarget.dataVolume("default", "tls-bad").withTls(Optional.of(other), false),
                l)).isInstanceOf(KvMigrateException.class).hasMessageContaining("TLS")
                .hasMessageContaining("--ca-file");
        assertThat(l.retries).isEmpty();
        assertThat(cluster.volume("default", "tls-bad").orElseThrow().uploads()).isZero();
    }

    @Test
    void insecureSkipsVerification() throws Exception {
        Path other = tmp.resolve("unrelated.pem");
        Files.writeString(other, cluster.uploadProxyCa().orElseThrow());
        upload(CdiTarget.dataVolume("default", "tls-insecure").withTls(Optional.empty(), true),
                new RecordingListener());
        assertThat(TestImages.identical(raw, cluster.volume("default", "tls-insecure").orElseThrow().file())).isTrue();
    }
}
