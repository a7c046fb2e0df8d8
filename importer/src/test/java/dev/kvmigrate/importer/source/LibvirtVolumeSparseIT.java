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
 * A 1 GiB raw volume with 64 MiB of data, read by the real daemon's sparse volume download, locally and over
 * qemu+ssh: the holes do not cross the stream and are not written.
 */
class LibvirtVolumeSparseIT {
    private static final String POOL = "kvmit-vol-pool";
    private static final String VOL = "sparse.img";
    private static final long GIB = 1024 * MIB;
    private static Path dir;

    @TempDir Path out;

    @BeforeAll
    static void volume() throws Exception {
        RealLibvirtd.require();
        dir = KvmitVolumes.poolWith(POOL, d -> KvmitVolumes.sparseRaw(d.resolve(VOL)));
    }

    @AfterAll
    static void cleanUp() {
        KvmitVolumes.dropPool(POOL, dir);
    }

    private void sparseImport(String uri, String name) throws Exception {
        KvmitVolumes.Imported r = KvmitVolumes.importTo(new DiskLocation.LibvirtVolume(uri, POOL, VOL), out, name);
        assertThat(r.counters().sparseUsed()).isTrue();
        assertThat(r.counters().bytesReceived()).isBetween(64 * MIB, 70 * MIB);
        assertThat(r.counters().holeBytes()).isGreaterThan(900 * MIB);
        assertThat(Files.size(r.file())).isEqualTo(GIB);
        assertThat(KvmitVolumes.identical(r.file(), dir.resolve(VOL), "raw")).isTrue();
        // the target holds the data, not the holes
        assertThat(KvmitVolumes.allocated(r.file())).isBetween(64 * MIB, 72 * MIB);
        assertThat(r.result().wireBytes()).isBetween(64 * MIB, 72 * MIB);
    }

    @Test
    void localSparseDownloadMovesOnlyTheData() throws Exception {
        sparseImport(RealLibvirtd.require(), "local");
    }

    @Test
    void remoteSparseDownloadMovesOnlyTheData() throws Exception {
        sparseImport(RealLibvirtd.requireRemote(), "remote");
    }

    @Test
    void withoutTheSparseFlagEveryByteComesAndTheResultIsTheSame() throws Exception {
        for (String uri : KvmitVolumes.uris()) {
            String name = uri.startsWith("qemu+ssh") ? "plain-remote" : "plain-local";
            System.setProperty(LibvirtStreams.SPARSE_PROPERTY, "false");
            KvmitVolumes.Imported r;
            try {
                r = KvmitVolumes.importTo(new DiskLocation.LibvirtVolume(uri, POOL, VOL), out, name);
            } finally {
                System.clearProperty(LibvirtStreams.SPARSE_PROPERTY);
            }
            assertThat(r.counters().sparseUsed()).isFalse();
            assertThat(r.counters().bytesReceived()).isEqualTo(GIB);
            assertThat(KvmitVolumes.identical(r.file(), dir.resolve(VOL), "raw")).isTrue();
            // zero blocks are still not written
            assertThat(KvmitVolumes.allocated(r.file())).isLessThan(72 * MIB);
        }
    }
}
