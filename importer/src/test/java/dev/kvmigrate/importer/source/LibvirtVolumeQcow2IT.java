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

/** A qcow2 volume into a dir: target, read as raw by ranged downloads: the same bytes as qemu-img convert -O raw. */
class LibvirtVolumeQcow2IT {
    private static final String POOL = "kvmit-vol-qpool";
    private static final String VOL = "disk.qcow2";
    private static Path dir;

    @TempDir Path out;

    @BeforeAll
    static void volume() throws Exception {
        RealLibvirtd.require();
        dir = KvmitVolumes.poolWith(POOL, d -> KvmitVolumes.qcow2(d.resolve(VOL), d.resolve("scratch.raw")));
    }

    @AfterAll
    static void cleanUp() {
        KvmitVolumes.dropPool(POOL, dir);
    }

    private void qcow2Import(String uri, String name) throws Exception {
        String before = KvmitVolumes.fileDigest(dir.resolve(VOL));
        KvmitVolumes.Imported r = KvmitVolumes.importTo(new DiskLocation.LibvirtVolume(uri, POOL, VOL), out, name);
        Path converted = out.resolve(name + "-qemu.raw");
        KvmitVolumes.sh("qemu-img", "convert", "-q", "-f", "qcow2", "-O", "raw", dir.resolve(VOL).toString(),
                converted.toString());
        assertThat(Files.size(r.file())).isEqualTo(Files.size(converted)).isEqualTo(1024 * MIB);
        assertThat(KvmitVolumes.identical(r.file(), converted, "raw")).isTrue();
        assertThat(KvmitVolumes.identical(r.file(), dir.resolve(VOL), "qcow2")).isTrue();
        // only the stored qcow2 (about 67 MiB) is fetched, once for the header probe and once for the copy at most
        assertThat(r.counters().bytesReceived()).isLessThan(2 * Files.size(dir.resolve(VOL)) + 16 * MIB);
        assertThat(KvmitVolumes.allocated(r.file())).isLessThan(80 * MIB);
        assertThat(KvmitVolumes.fileDigest(dir.resolve(VOL))).isEqualTo(before);
    }

    @Test
    void localQcow2VolumeBecomesRaw() throws Exception {
        qcow2Import(RealLibvirtd.require(), "qlocal");
    }

    @Test
    void remoteQcow2VolumeBecomesRaw() throws Exception {
        qcow2Import(RealLibvirtd.requireRemote(), "qremote");
    }
}
