package dev.kvmigrate.importer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.importer.ImportResult;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.source.LocalFileSource;
import dev.kvmigrate.importer.standin.ClusterStandIn;
import dev.kvmigrate.importer.standin.RecordingListener;
import dev.kvmigrate.importer.standin.TestImages;
import dev.kvmigrate.importer.standin.Volume;
import dev.kvmigrate.importer.transfer.Compress;
import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload proxy that misbehaves (stalls, never answers, trickles, floods an error body, answers 409 for a volume
 * it never populated) and volumes that hold something else: the import ends in seconds, with the cause named, and
 * reports a volume present only on proof.
 */
class CdiUploadHostileProxyIT {
    static final long SIZE = 64L * 1024 * 1024;
    /** A second of no progress is a stall here; three seconds bound the waiting in all. */
    static final TransferSettings QUICK = TransferSettings.defaults().withBackoff(Duration.ofMillis(20))
            .withWait(Duration.ofSeconds(3)).withStallTimeout(Duration.ofSeconds(1));
    @TempDir static Path tmp;
    static Path raw;
    static Path other;
    static ClusterStandIn cluster;
    static final AtomicInteger names = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        raw = TestImages.sparseRaw(tmp.resolve("disk.raw"), SIZE, 0.2, 11);
        other = TestImages.sparseRaw(tmp.resolve("other.raw"), SIZE, 0.2, 12);
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
        assertThat(cluster.schemaViolations()).isEmpty();
        cluster.faults().stallAfterHeaders(0).neverAnswer(0).trickleAnswer(0).conflict(0).hugeErrorBody(0, 0);
    }

    static String name() {
        return "hostile-" + names.incrementAndGet();
    }

    static ImportResult upload(Path image, String name, TransferSettings settings, RecordingListener l) {
        CdiTarget target = CdiTarget.dataVolume("default", name);
        return Importer.run(new Importer.Job(name, new LocalFileSource(image),
                new CdiUploadSink(cluster.client(), target)), settings, l);
    }

    static long seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000_000L;
    }

    // ---- stalls: progress-aware timeouts, bounded by --wait ----

    @Test
    void aProxyThatStallsAfterTheHeadersFailsTheAttemptAsStalledAndTheRetrySucceeds() throws Exception {
        cluster.faults().stallAfterHeaders(1);
        RecordingListener l = new RecordingListener();
        String name = name();
        long t0 = System.nanoTime();
        // as-is: 64 MiB on the wire, more than the socket buffers hold, so the client's writes block
        ImportResult r = upload(raw, name, QUICK.withCompress(Compress.NONE), l);
        assertThat(seconds(t0)).isLessThan(15);
        assertThat(r.outcome()).isEqualTo(ImportResult.Outcome.IMPORTED);
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(l.retries).singleElement().asString().contains("stalled").contains("no byte moved for 1 s");
        assertThat(TestImages.identical(raw, cluster.volume("default", name).orElseThrow().file())).isTrue();
    }

    @Test
    void aProxyThatNeverAnswersIsBoundedByWaitAndNamed() {
        cluster.faults().neverAnswer(5);
        RecordingListener l = new RecordingListener();
        String name = name();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> upload(raw, name, QUICK, l)).isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("no answer from the upload proxy").hasMessageContaining("--wait")
                .hasMessageContaining("dv/default/" + name);
        assertThat(seconds(t0)).isLessThan(15);
        assertThat(cluster.volume("default", name).orElseThrow().state()).isNotEqualTo(Volume.State.SUCCEEDED);
    }

    @Test
    void stallsOnEveryAttemptGiveUpOnceTheyAddUpToWait() {
        cluster.faults().stallAfterHeaders(20);
        RecordingListener l = new RecordingListener();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> upload(raw, name(), QUICK.withCompress(Compress.NONE).withRetries(20), l))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("stalled")
                .hasMessageContaining("--wait");
        assertThat(seconds(t0)).isLessThan(15);
        assertThat(l.retries).hasSizeBetween(1, 4).allMatch(s -> s.contains("stalled"));
    }

    @Test
    void aTricklingAnswerDoesNotHoldTheClient() throws Exception {
        cluster.faults().trickleAnswer(1);
        RecordingListener l = new RecordingListener();
        String name = name();
        long t0 = System.nanoTime();
        ImportResult r = upload(raw, name, QUICK, l);
        assertThat(seconds(t0)).isLessThan(15);
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(l.retries).singleElement().asString().contains("503");
        assertThat(TestImages.identical(raw, cluster.volume("default", name).orElseThrow().file())).isTrue();
    }

    // ---- huge error bodies: a few KiB read, never the whole ----

    @Test
    void aHugeErrorBodyIsReadOnlyAFewKibibytes() throws Exception {
        long before = cluster.faults().errorBodyBytesSent();
        cluster.faults().hugeErrorBody(1, 1L << 30);
        RecordingListener l = new RecordingListener();
        String name = name();
        ImportResult r = upload(raw, name, QUICK, l);
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(l.retries).singleElement().asString().contains("500").hasSizeLessThan(6 * 1024);
        // what the proxy got out before the client hung up: socket buffers at most (the client drops the connection
        // instead of draining the rest), never the gigabyte
        assertThat(cluster.faults().errorBodyBytesSent() - before).isLessThan(16L << 20);
        assertThat(TestImages.identical(raw, cluster.volume("default", name).orElseThrow().file())).isTrue();
    }

    // ---- already present only on proof ----

    @Test
    void a409ForAVolumeThatWasNeverPopulatedIsAFailureNamingIt() {
        cluster.faults().conflict(1);
        String name = name();
        assertThatThrownBy(() -> upload(raw, name, QUICK, new RecordingListener()))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("409")
                .hasMessageContaining("dv/default/" + name).hasMessageContaining("not populated")
                .hasMessageContaining("kubectl delete dv -n default " + name);
    }

    @Test
    void aDifferentImageIntoAPopulatedDataVolumeFailsInsteadOfReportingItPresent() {
        String name = name();
        upload(raw, name, QUICK, new RecordingListener());
        long before = cluster.uploadBodyBytes();
        assertThatThrownBy(() -> upload(other, name, QUICK, new RecordingListener()))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("dv/default/" + name)
                .hasMessageContaining("different image").hasMessageContaining("import into a new DataVolume");
        assertThat(cluster.uploadBodyBytes()).isEqualTo(before);
    }

    @Test
    void theSameImageAgainIsPresentByTheRecordTheUploadLeft() {
        String name = name();
        ImportResult first = upload(raw, name, QUICK, new RecordingListener());
        Map<String, String> a = cluster.client().genericKubernetesResources(CdiResources.DATA_VOLUME)
                .inNamespace("default").withName(name).get().getMetadata().getAnnotations();
        assertThat(a).containsEntry(CdiVolume.IMPORTED_DIGEST, first.digest())
                .containsEntry(CdiVolume.IMPORTED_BYTES, Long.toString(first.contentBytes()));
        ImportResult again = upload(raw, name, QUICK.withCompress(Compress.GZIP), new RecordingListener());
        assertThat(again.outcome()).isEqualTo(ImportResult.Outcome.ALREADY_PRESENT);
        assertThat(again.wireBytes()).isZero();
    }

    @Test
    void aPopulatedDataVolumeWithoutOurRecordIsNotTakenForThisImage() {
        String name = name();
        upload(raw, name, QUICK, new RecordingListener());
        cluster.client().genericKubernetesResources(CdiResources.DATA_VOLUME).inNamespace("default").withName(name)
                .edit(dv -> {
                    Map<String, String> a = new HashMap<>(dv.getMetadata().getAnnotations());
                    a.keySet().removeIf(k -> k.startsWith("kv-migrate.dev/imported"));
                    dv.getMetadata().setAnnotations(a);
                    return dv;
                });
        assertThatThrownBy(() -> upload(raw, name, QUICK, new RecordingListener()))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("dv/default/" + name)
                .hasMessageContaining("not by kv-migrate").hasMessageContaining("kubectl delete dv");
    }
}
