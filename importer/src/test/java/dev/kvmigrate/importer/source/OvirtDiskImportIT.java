package dev.kvmigrate.importer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.disk.DiskLocation;
import dev.kvmigrate.common.ovirt.EngineSettings;
import dev.kvmigrate.common.ovirt.Secret;
import dev.kvmigrate.importer.ImportResult;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.ProgressListener;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.sink.DirectorySink;
import dev.kvmigrate.importer.standin.TestImages;
import dev.kvmigrate.testing.ovirt.OvirtStandIn;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An oVirt disk, named by its typed location, imported into a directory target end to end through the oVirt
 * stand-in over HTTPS: SSO login with the engine CA, image transfer, imageio extents and ranges, finalize.
 */
class OvirtDiskImportIT {
    static final String ROOT = "8a3d1f0e-1111-4c2b-9e77-0a1b2c3d4e01";
    static final String DATA = "8a3d1f0e-1111-4c2b-9e77-0a1b2c3d4e02";

    @TempDir
    Path tmp;

    /**
     * A 64 MiB raw disk with data written by dd at 1 MiB, 20 MiB and the last MiB (the rest holes), and a 32 MiB
     * qcow2 disk made from data at 4 MiB.
     */
    static void images(Path raw, Path qcow2, Path scratch) throws Exception {
        TestImages.run("qemu-img", "create", "-q", "-f", "raw", raw.toString(), "64M");
        for (String seek : List.of("1", "20", "63")) {
            TestImages.run("dd", "if=/dev/urandom", "of=" + raw, "bs=1M", "count=1", "seek=" + seek,
                    "conv=notrunc,fsync", "status=none");
        }
        Path plain = scratch.resolve("data-plain.raw");
        TestImages.run("qemu-img", "create", "-q", "-f", "raw", plain.toString(), "32M");
        TestImages.run("dd", "if=/dev/urandom", "of=" + plain, "bs=1M", "count=2", "seek=4", "conv=notrunc",
                "status=none");
        TestImages.convert(plain, "qcow2", qcow2);
    }

    @Test
    void anOvirtDiskImportsIntoADirectoryTargetWithoutFetchingZeros() throws Exception {
        Path raw = tmp.resolve("root.raw");
        Path qcow2 = tmp.resolve("data.qcow2");
        images(raw, qcow2, tmp);
        try (OvirtStandIn engine = OvirtStandIn.startTls(tmp.resolve("engine"))) {
            engine.addVm("web-01", new OvirtStandIn.Disk(ROOT, raw), new OvirtStandIn.Disk(DATA, qcow2));
            EngineSettings settings = EngineSettings.of(engine.apiUrl(), OvirtStandIn.USER,
                    Secret.of(OvirtStandIn.PASSWORD.toCharArray()), engine.caFile(), false);
            try (OvirtEngine ovirt = OvirtEngine.connect(settings)) {
                ImageSources.Context context = ImageSources.Context.DEFAULT.withOvirt(ovirt::forDisksOn);
                assertThat(engine.logins()).as("the login waits for the first transfer").isZero();
                for (String diskId : List.of(ROOT, DATA)) {
                    ImageSource source = ImageSources.open(new DiskLocation.OvirtDisk(engine.apiUrl(), diskId),
                            context);
                    Path dir = tmp.resolve("target");
                    ImportResult result = Importer.run(new Importer.Job(diskId, source,
                            new DirectorySink(dir, diskId)), TransferSettings.defaults(), ProgressListener.NONE);
                    assertThat(result.outcome()).isEqualTo(ImportResult.Outcome.IMPORTED);
                    assertThat(TestImages.identical(diskId.equals(ROOT) ? raw : qcow2, dir.resolve(diskId + ".img")))
                            .as("qemu-img compare " + diskId).isTrue();
                    assertThat(engine.bytesServed(diskId) - engine.zeroBytesServed(diskId))
                            .as("every data byte of " + diskId + " fetched once").isEqualTo(engine.dataBytes(diskId));
                    assertThat(engine.zeroBytesServed(diskId)).as("zero bytes of " + diskId + " fetched: none, not"
                            + " even the rest of the 64 KiB block around qemu's allocated first 4 KiB").isZero();
                    assertThat(engine.bytesServed(diskId)).isLessThan(engine.virtualSize(diskId) / 8);
                }
                assertThat(engine.dataBytes(ROOT)).as("three MiB by dd, qemu's first block").isEqualTo((3L << 20) + 4096);
                assertThat(engine.dataBytes(DATA)).isEqualTo(2L << 20);
                assertThat(engine.zeroBytesServed(DATA)).isZero();
                assertThat(engine.logins()).as("one login for both disks").isEqualTo(1);
                assertThat(engine.transfers()).extracting(OvirtStandIn.Transfer::phase)
                        .containsExactly("finished_success", "finished_success");
            }
        }
    }

    @Test
    void aDiskOfAnotherEngineIsRefused() throws Exception {
        Path raw = tmp.resolve("root.raw");
        TestImages.run("qemu-img", "create", "-q", "-f", "raw", raw.toString(), "1M");
        try (OvirtStandIn engine = OvirtStandIn.start(tmp.resolve("engine"))) {
            engine.addVm("web-01", new OvirtStandIn.Disk(ROOT, raw));
            try (OvirtEngine ovirt = OvirtEngine.connect(EngineSettings.of(engine.apiUrl(), OvirtStandIn.USER,
                    Secret.of(OvirtStandIn.PASSWORD.toCharArray()), java.util.Optional.empty(), false))) {
                ImageSources.Context context = ImageSources.Context.DEFAULT.withOvirt(ovirt::forDisksOn);
                DiskLocation elsewhere = new DiskLocation.OvirtDisk(
                        URI.create("https://other-engine.example/ovirt-engine/api"), ROOT);
                assertThatThrownBy(() -> ImageSources.open(elsewhere, context))
                        .isInstanceOf(KvMigrateException.class).hasMessageContaining("other-engine.example");
                assertThat(engine.requests()).isEmpty();
            }
        }
    }
}
