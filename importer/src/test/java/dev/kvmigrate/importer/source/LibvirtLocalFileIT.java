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
 * A local daemon's volumes are read in place from their files (product default), the same bytes as through the
 * stream; a remote URI never is; a file that is not the daemon's volume is not taken for it.
 */
class LibvirtLocalFileIT {
    private static final String POOL = "kvmit-vol-local";
    private static final String RAW = "sparse.img";
    private static final String QCOW2 = "disk.qcow2";
    private static Path dir;

    @TempDir Path out;

    @BeforeAll
    static void volumes() throws Exception {
        RealLibvirtd.require();
        dir = KvmitVolumes.poolWith(POOL, d -> {
            KvmitVolumes.sparseRaw(d.resolve(RAW));
            KvmitVolumes.qcow2(d.resolve(QCOW2), d.resolve("scratch.raw"));
        });
    }

    @AfterAll
    static void cleanUp() {
        KvmitVolumes.dropPool(POOL, dir);
    }

    @Test
    void aLocalRawVolumeIsReadInPlaceWithOnlyItsSamplesStreamed() throws Exception {
        KvmitVolumes.Imported r = KvmitVolumes.importInPlace(
                new DiskLocation.LibvirtVolume(RealLibvirtd.require(), POOL, RAW), out, "raw-local");
        assertThat(r.counters().localFile()).isTrue();
        // the three 64 KiB samples that prove the file is the volume, nothing else
        assertThat(r.counters().bytesReceived()).isLessThanOrEqualTo(3L * LibvirtLocalFile.SAMPLE);
        assertThat(r.counters().requests()).isEqualTo(3);
        assertThat(Files.size(r.file())).isEqualTo(1024 * MIB);
        assertThat(KvmitVolumes.identical(r.file(), dir.resolve(RAW), "raw")).isTrue();
        assertThat(KvmitVolumes.allocated(r.file())).isBetween(64 * MIB, 72 * MIB);
        assertThat(r.result().source()).startsWith("libvirt:");
    }

    @Test
    void aLocalQcow2VolumeIsReadInPlaceAsRaw() throws Exception {
        String before = KvmitVolumes.fileDigest(dir.resolve(QCOW2));
        KvmitVolumes.Imported r = KvmitVolumes.importInPlace(
                new DiskLocation.LibvirtVolume(RealLibvirtd.require(), POOL, QCOW2), out, "qcow2-local");
        assertThat(r.counters().localFile()).isTrue();
        assertThat(r.counters().bytesReceived()).isLessThanOrEqualTo(3L * LibvirtLocalFile.SAMPLE);
        assertThat(KvmitVolumes.identical(r.file(), dir.resolve(QCOW2), "qcow2")).isTrue();
        assertThat(KvmitVolumes.allocated(r.file())).isLessThan(80 * MIB);
        assertThat(KvmitVolumes.fileDigest(dir.resolve(QCOW2))).isEqualTo(before);
    }

    @Test
    void aRemoteUriIsAlwaysStreamed() throws Exception {
        KvmitVolumes.Imported r = KvmitVolumes.importInPlace(
                new DiskLocation.LibvirtVolume(RealLibvirtd.requireRemote(), POOL, RAW), out, "raw-remote");
        assertThat(r.counters().localFile()).isFalse();
        assertThat(r.counters().bytesReceived()).isBetween(64 * MIB, 70 * MIB);
        assertThat(Files.size(r.file())).isEqualTo(1024 * MIB);
        assertThat(KvmitVolumes.identical(r.file(), dir.resolve(RAW), "raw")).isTrue();
    }

    @Test
    void aFileOfTheSameSizeWithOtherBytesIsNotTheVolume() throws Exception {
        // what a daemon in another mount namespace would be: the same path and size here, other bytes there
        Path other = out.resolve("other.img");
        KvmitVolumes.sh("truncate", "-s", "1G", other.toString());
        KvmitVolumes.writeRandom(other, 0, 1);
        try (LibvirtVolumeHandle h = LibvirtVolumeHandle.byName(RealLibvirtd.require(), POOL, RAW)) {
            assertThat(LibvirtLocalFile.sameBytes(h, dir.resolve(RAW), h.capacity)).isTrue();
            assertThat(LibvirtLocalFile.sameBytes(h, other, h.capacity)).isFalse();
        }
    }
}
