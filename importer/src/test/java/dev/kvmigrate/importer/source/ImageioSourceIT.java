package dev.kvmigrate.importer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.ovirt.EngineSession;
import dev.kvmigrate.common.ovirt.EngineSettings;
import dev.kvmigrate.common.ovirt.Secret;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.ProgressListener;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.sink.DirectorySink;
import dev.kvmigrate.importer.standin.TestImages;
import dev.kvmigrate.testing.ovirt.OvirtStandIn;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ImageioSource} against the oVirt stand-in (engine + imageio) serving a real sparse image. */
class ImageioSourceIT {
    static final String DISK = "d-1";
    @TempDir Path tmp;
    OvirtStandIn standIn;
    EngineSession session;
    Path disk;

    @BeforeEach
    void start() throws IOException {
        disk = TestImages.sparseRaw(tmp.resolve("disk.raw"), 16L << 20, 0.25, 9);
        standIn = OvirtStandIn.start(tmp.resolve("engine"));
        standIn.addVm("vm-1", new OvirtStandIn.Disk(DISK, disk));
        session = EngineSession.open(EngineSettings.of(standIn.apiUrl(), OvirtStandIn.USER,
                Secret.of(OvirtStandIn.PASSWORD.toCharArray()), Optional.empty(), false));
    }

    @AfterEach
    void stop() {
        session.close();
        standIn.close();
    }

    /** Downloads the disk into {@code tmp/out/d.img}. */
    Path download(String out) {
        ImageioSource source = ImageioSource.start(OvirtEngine.on(session), DISK);
        Importer.run(new Importer.Job("d", source, new DirectorySink(tmp.resolve(out), "d")),
                TransferSettings.defaults(), ProgressListener.NONE);
        return tmp.resolve(out).resolve("d.img");
    }

    @Test
    void downloadsOnlyDataExtentsAndFinalizes() throws IOException {
        Path out = download("out");
        assertThat(TestImages.identical(disk, out)).isTrue();
        assertThat(standIn.bytesServed(DISK)).isEqualTo(standIn.dataBytes(DISK))
                .isLessThanOrEqualTo(TestImages.allocated(disk)).isLessThan(16L << 20);
        assertThat(standIn.zeroBytesServed(DISK)).isZero();
        assertThat(standIn.transfers()).singleElement().satisfies(t -> assertThat(t.phase())
                .isEqualTo("finished_success"));
        assertThat(standIn.requests()).filteredOn(r -> r.endsWith("/finalize")).hasSize(1);
        assertThat(standIn.requests()).noneMatch(r -> r.endsWith("/cancel"));
    }

    @Test
    void aFailedDownloadIsCancelledAndIsNoSuccess() {
        ImageioSource source = ImageioSource.start(OvirtEngine.on(session), DISK);
        standIn.failImageReads(500);
        assertThatThrownBy(() -> Importer.run(new Importer.Job("d", source,
                new DirectorySink(tmp.resolve("out2"), "d")), TransferSettings.defaults(), ProgressListener.NONE))
                .isInstanceOf(KvMigrateException.class);
        assertThat(tmp.resolve("out2/d.img")).doesNotExist();
        assertThat(standIn.transfers()).singleElement().satisfies(t -> assertThat(t.phase())
                .isEqualTo("finished_cleanup"));
        assertThat(standIn.requests()).filteredOn(r -> r.endsWith("/cancel")).hasSize(1);
        assertThat(standIn.requests()).noneMatch(r -> r.endsWith("/finalize"));
    }

    @Test
    void theEnginesProxyServesWhenTheHostIsUnreachable() throws IOException {
        standIn.hostUnreachable();
        assertThat(TestImages.identical(disk, download("out3"))).isTrue();
        assertThat(standIn.bytesServed(DISK)).isEqualTo(standIn.dataBytes(DISK));
    }

    @Test
    void anImageioWithoutExtentsServesTheWholeDisk() throws IOException {
        standIn.imageioWithoutExtents();
        assertThat(TestImages.identical(disk, download("out5"))).isTrue();
        assertThat(standIn.bytesServed(DISK)).isEqualTo(16L << 20);
        assertThat(standIn.requests()).anyMatch(r -> r.equals("GET /ovirt-engine/api/disks/" + DISK))
                .noneMatch(r -> r.endsWith("/extents"));
    }

    @Test
    void aTransferThatStartsSlowlyAndAnExpiringTokenStillComplete() throws IOException {
        standIn.startAfterPolls(3);
        standIn.expireTokensAfter(2);
        assertThat(TestImages.identical(disk, download("out4"))).isTrue();
        assertThat(standIn.logins()).isGreaterThan(1);
    }

    @Test
    void aDiskOfARunningVmIsRefusedWithTheEnginesReason() {
        standIn.powerOn("vm-1");
        assertThatThrownBy(() -> ImageioSource.start(OvirtEngine.on(session), DISK))
                .isInstanceOfSatisfying(KvMigrateException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.SOURCE_UNREACHABLE);
                    assertThat(e.getMessage()).contains("oVirt disk d-1").contains("409")
                            .contains("The VM vm-1 is not down");
                });
        assertThat(standIn.transfers()).isEmpty();
    }

    @Test
    void anUnknownDiskIsRefused() {
        assertThatThrownBy(() -> ImageioSource.start(OvirtEngine.on(session), "no-such-disk"))
                .isInstanceOfSatisfying(KvMigrateException.class,
                        e -> assertThat(e.getMessage()).contains("no-such-disk").contains("404"));
    }
}
