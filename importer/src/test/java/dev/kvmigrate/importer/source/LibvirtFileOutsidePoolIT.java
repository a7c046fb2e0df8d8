package dev.kvmigrate.importer.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.common.disk.DiskLocation;
import dev.kvmigrate.testing.RealLibvirtd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files in a directory no pool covers, on the daemon reached over qemu+ssh: read through a transient pool that
 * is gone afterwards; the host's pools and the files are as they were.
 */
class LibvirtFileOutsidePoolIT {
    private static Path dir;

    @TempDir Path out;

    @BeforeAll
    static void files() throws Exception {
        RealLibvirtd.requireRemote();
        dir = KvmitVolumes.dir("kvmit-vol-outside");
        try {
            KvmitVolumes.sparseRaw(dir.resolve("raw-disk.img"));
            KvmitVolumes.qcow2(dir.resolve("q-disk.qcow2"), dir.resolve("scratch.raw"));
        } catch (RuntimeException e) {
            cleanUp();
            throw e;
        }
    }

    @AfterAll
    static void cleanUp() {
        // a transient pool the code under test may have left (it must not): remove it, the test has failed then
        if (dir != null) {
            KvmitVolumes.removeDir(dir);
        }
    }

    /** Pools that are not another test's own kvmit- pools (those come and go in parallel). */
    private static Set<String> pools(String uri) {
        Set<String> out = new TreeSet<>(KvmitVolumes.pools(uri));
        out.removeIf(p -> p.startsWith("kvmit-") && !p.startsWith("kvmit-vol-"));
        return out;
    }

    private void outside(String file, String format, String name) throws Exception {
        outside(file, format, name, false);
    }

    private void outside(String file, String format, String name, boolean typed) throws Exception {
        String uri = RealLibvirtd.requireRemote();
        Path f = dir.resolve(file);
        String before = KvmitVolumes.fileDigest(f);
        Set<String> poolsBefore = pools(uri);
        KvmitVolumes.Imported r;
        try {
            // what 'kv-migrate import libvirt:URI#/PATH' parses to, or the inventory's typed location
            DiskLocation loc = typed ? new DiskLocation.LibvirtFile(uri, f.toString())
                    : SourceSpec.parse("libvirt:" + uri + "#" + f, java.util.Optional.empty());
            assertThat(loc).isEqualTo(new DiskLocation.LibvirtFile(uri, f.toString()));
            r = KvmitVolumes.importTo(loc, out, name);
        } finally {
            // never leave a transient pool of ours behind, even when the assertions below fail
            for (String p : KvmitVolumes.pools(uri)) {
                if (p.startsWith("kv-migrate-") && !poolsBefore.contains(p)) {
                    KvmitVolumes.rc("virsh", "-c", uri, "pool-destroy", p);
                }
            }
        }
        Set<String> poolsAfter = pools(uri);
        assertThat(poolsAfter).isEqualTo(poolsBefore);
        assertThat(poolsAfter).noneMatch(p -> p.startsWith("kv-migrate-"));
        assertThat(KvmitVolumes.sh("virsh", "-c", uri, "pool-list", "--all", "--name")).doesNotContain("kv-migrate-");
        assertThat(KvmitVolumes.fileDigest(f)).isEqualTo(before);
        assertThat(Files.size(r.file())).isEqualTo(1024L * 1024 * 1024);
        assertThat(KvmitVolumes.identical(r.file(), f, format)).isTrue();
    }

    @Test
    void rawFileOutsideAnyPool() throws Exception {
        outside("raw-disk.img", "raw", "oraw");
    }

    @Test
    void qcow2FileOutsideAnyPool() throws Exception {
        outside("q-disk.qcow2", "qcow2", "oqcow2", true);
    }

    @Test
    void twoFilesInOneDirectoryShareOneTransientPool() throws Exception {
        String uri = RealLibvirtd.requireRemote();
        Set<String> before = pools(uri);
        ImageSource raw = KvmitVolumes.open(new DiskLocation.LibvirtFile(uri, dir.resolve("raw-disk.img").toString()),
                out);
        ImageSource q;
        try {
            q = KvmitVolumes.open(new DiskLocation.LibvirtFile(uri, dir.resolve("q-disk.qcow2").toString()), out);
        } catch (RuntimeException e) {
            ((LibvirtSource) raw).finish(false);
            throw e;
        }
        try {
            assertThat(KvmitVolumes.pools(uri)).filteredOn(p -> p.startsWith("kv-migrate-")).hasSize(1);
            KvmitVolumes.Imported r1 = KvmitVolumes.importSource(raw, out, "share1", System.nanoTime());
            // the first import's end leaves the pool to the second
            assertThat(KvmitVolumes.pools(uri)).filteredOn(p -> p.startsWith("kv-migrate-")).hasSize(1);
            KvmitVolumes.Imported r2 = KvmitVolumes.importSource(q, out, "share2", System.nanoTime());
            assertThat(KvmitVolumes.identical(r1.file(), dir.resolve("raw-disk.img"), "raw")).isTrue();
            assertThat(KvmitVolumes.identical(r2.file(), dir.resolve("q-disk.qcow2"), "qcow2")).isTrue();
        } finally {
            ((LibvirtSource) raw).finish(false);
            ((LibvirtSource) q).finish(false);
        }
        assertThat(pools(uri)).isEqualTo(before);
    }

    @Test
    void aFileInAPoolIsReadAsThatPoolsVolume() throws Exception {
        String uri = RealLibvirtd.requireRemote();
        KvmitVolumes.createPool(RealLibvirtd.LOCAL, "kvmit-vol-outside", dir);
        try {
            Set<String> before = pools(uri);
            KvmitVolumes.Imported r = KvmitVolumes.importTo(
                    new DiskLocation.LibvirtFile(uri, dir.resolve("raw-disk.img").toString()), out, "inpool");
            assertThat(pools(uri)).isEqualTo(before);
            assertThat(KvmitVolumes.identical(r.file(), dir.resolve("raw-disk.img"), "raw")).isTrue();
        } finally {
            KvmitVolumes.destroyPool(RealLibvirtd.LOCAL, "kvmit-vol-outside");
        }
    }
}
