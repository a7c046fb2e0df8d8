package dev.kvmigrate.importer.source;

import static dev.kvmigrate.importer.source.KvmitVolumes.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.common.disk.DiskLocation;
import dev.kvmigrate.testing.RealLibvirtd;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A raw volume read by several streams at once ({@link LibvirtSegments}), locally and over qemu+ssh, on the real
 * daemon: a volume whose size is no multiple of the segment, data straddling segment boundaries, a run of data not
 * 64 KiB aligned, data in the last partial segment and holes ending segments. The result is byte-identical to the
 * volume and to a single-stream download; every segment is one ranged download.
 */
class LibvirtSegmentsIT {
    private static final String POOL = "kvmit-vol-segments";
    private static final String VOL = "segments.raw";
    private static final long SEG = LibvirtSegments.SEGMENT;
    /** Five whole segments and 28 KiB. */
    private static final long SIZE = 5 * SEG + 28 * 1024;
    private static final long DATA = (3 + 2 + 1) * MIB + 4 * MIB + 28 * 1024;
    private static Path dir;

    @TempDir Path out;

    @BeforeAll
    static void volume() throws Exception {
        RealLibvirtd.require();
        dir = KvmitVolumes.poolWith(POOL, d -> {
            Path f = d.resolve(VOL);
            KvmitVolumes.sh("truncate", "-s", Long.toString(SIZE), f.toString());
            KvmitVolumes.writeRandom(f, SEG - MIB, 3);                       // across the 1st boundary
            KvmitVolumes.writeRandom(f, 2 * SEG + 12 * 1024, 2);             // not 64 KiB aligned
            KvmitVolumes.writeRandom(f, 3 * SEG - MIB, 1);                   // a segment ending in data
            KvmitVolumes.writeRandom(f, 5 * SEG - 4 * MIB, 4);               // up to the last whole segment
            KvmitVolumes.sh("dd", "if=/dev/urandom", "of=" + f, "bs=4096", "seek=" + 5 * SEG / 4096, "count=7",
                    "conv=notrunc", "status=none");                               // the trailing 28 KiB
        });
    }

    @AfterAll
    static void cleanUp() {
        KvmitVolumes.dropPool(POOL, dir);
    }

    private KvmitVolumes.Imported importWith(String uri, int streams, String name) {
        System.setProperty(LibvirtSegments.STREAMS_PROPERTY, Integer.toString(streams));
        try {
            return KvmitVolumes.importTo(new DiskLocation.LibvirtVolume(uri, POOL, VOL), out, name);
        } finally {
            System.clearProperty(LibvirtSegments.STREAMS_PROPERTY);
        }
    }

    @Test
    void severalStreamsGiveTheVolumeByteForByte() throws Exception {
        for (String uri : KvmitVolumes.uris()) {
            String suffix = uri.startsWith("qemu+ssh") ? "-remote" : "-local";
            KvmitVolumes.Imported many = importWith(uri, 3, "many" + suffix);
            assertThat(Files.size(many.file())).isEqualTo(SIZE);
            assertThat(KvmitVolumes.identical(many.file(), dir.resolve(VOL), "raw")).isTrue();
            assertThat(many.counters().sparseUsed()).isTrue();
            // one ranged download per segment, holes not sent
            assertThat(many.counters().requests()).isEqualTo(6);
            assertThat(many.counters().bytesReceived()).isBetween(DATA, DATA + 2 * MIB);
            // holes are announced (a segment's trailing hole may go unannounced: it is what the range leaves)
            assertThat(many.counters().holeBytes()).isBetween(SIZE - many.counters().bytesReceived() - 6 * SEG,
                    SIZE - many.counters().bytesReceived());
            assertThat(KvmitVolumes.allocated(many.file())).isBetween(DATA, DATA + 2 * MIB);

            KvmitVolumes.Imported one = importWith(uri, 1, "one" + suffix);
            assertThat(one.counters().requests()).isEqualTo(1);
            assertThat(one.result().digest()).isEqualTo(many.result().digest());
            assertThat(Files.size(one.file())).isEqualTo(SIZE);
            assertThat(KvmitVolumes.identical(one.file(), many.file(), "raw")).isTrue();
        }
    }

    @Test
    void streamsFollowTheVolumeSizeAndTheSetting() {
        assertThat(LibvirtSegments.streamsFor(1024 * SEG)).as("one stream unless asked").isEqualTo(1);
        System.setProperty(LibvirtSegments.STREAMS_PROPERTY, "4");
        try {
            assertThat(LibvirtSegments.streamsFor(SEG)).isEqualTo(1);
            assertThat(LibvirtSegments.streamsFor(3 * SEG)).isEqualTo(1);
            assertThat(LibvirtSegments.streamsFor(4 * SEG)).isEqualTo(2);
            assertThat(LibvirtSegments.streamsFor(1024 * SEG)).isEqualTo(4);
        } finally {
            System.clearProperty(LibvirtSegments.STREAMS_PROPERTY);
        }
    }
}
