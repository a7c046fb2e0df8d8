package dev.kvmigrate.importer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.importer.ImportResult;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.source.LocalFileSource;
import dev.kvmigrate.importer.standin.ClusterStandIn;
import dev.kvmigrate.importer.standin.ReceiveMeter;
import dev.kvmigrate.importer.standin.RecordingListener;
import dev.kvmigrate.importer.standin.TestImages;
import dev.kvmigrate.importer.standin.Volume;
import dev.kvmigrate.importer.transfer.Checksum;
import dev.kvmigrate.importer.transfer.ContentDigest;
import dev.kvmigrate.importer.transfer.FileSliceContent;
import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-in's discard mode (bench/fleet): uploads are digested and dropped, and metered per time window. */
class CdiUploadDiscardIT {
    @TempDir Path tmp;

    @Test
    void rawAndQcow2UploadsAreDigestedAsGuestBytesAndNoVolumeFileIsKept() throws Exception {
        long size = 32L << 20;
        Path raw = TestImages.sparseRaw(tmp.resolve("disk.raw"), size, 0.3, 5);
        Path qcow2 = TestImages.convert(raw, "qcow2", tmp.resolve("disk.qcow2"));
        ContentDigest d = Checksum.XXH3.start();
        new FileSliceContent(raw, 0, size).accept(d);
        String expected = d.finish();
        Path volumes = tmp.resolve("volumes");
        TransferSettings fast = TransferSettings.defaults().withBackoff(Duration.ofMillis(20))
                .withWait(Duration.ofSeconds(30));
        try (ClusterStandIn cluster = ClusterStandIn.start(volumes, SharedDir.require("schemas/cdi-swagger.json"))
                .discardVolumes(true)) {
            ReceiveMeter meter = cluster.meter(Duration.ofSeconds(5));
            for (Path image : new Path[] {raw, qcow2}) {
                String name = "discard-" + image.getFileName().toString().replace('.', '-');
                ImportResult r = Importer.run(new Importer.Job(name, new LocalFileSource(image), new CdiUploadSink(
                        cluster.client(), CdiTarget.dataVolume("default", name).withSize(size))), fast,
                        new RecordingListener());
                assertThat(r.outcome()).isEqualTo(ImportResult.Outcome.IMPORTED);
                Volume v = cluster.volume("default", name).orElseThrow();
                assertThat(v.state()).isEqualTo(Volume.State.SUCCEEDED);
                assertThat(v.receivedDigest()).as(image.toString()).contains(expected);
                assertThat(Files.exists(v.file())).isFalse();
            }
            assertThat(meter.windows().stream().mapToLong(Long::longValue).sum()).isEqualTo(cluster.uploadBodyBytes());
            try (Stream<Path> left = Files.list(volumes)) {
                assertThat(left.filter(p -> !p.getFileName().toString().endsWith(".pem")
                        && !p.getFileName().toString().endsWith(".p12"))).as("nothing kept").isEmpty();
            }
        }
    }
}
