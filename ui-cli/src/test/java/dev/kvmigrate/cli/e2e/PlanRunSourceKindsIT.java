package dev.kvmigrate.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.testing.ovirt.OvirtStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every source kind through {@code kv-migrate plan run}, into the directory target and into the cluster stand-in
 * (fabric8 CRUD mock + CDI emulation + upload proxy, reached through a kubeconfig): each disk on the target holds
 * exactly the guest-visible bytes of the source disk ({@code qemu-img compare}). The disks reach the importer as
 * the migration unit's typed locations; an OVA member must never become the whole OVA (a regression: the tar was
 * once written as the disk).
 */
class PlanRunSourceKindsIT {
    static final long SIZE_A = 96L << 20;
    static final long SIZE_B = 48L << 20;

    @TempDir
    Path tmp;
    Path rawA;
    Path rawB;

    @BeforeEach
    void images() throws Exception {
        rawA = SourceImages.raw(tmp.resolve("src/a.raw"), SIZE_A, 1);
        rawB = SourceImages.raw(tmp.resolve("src/b.raw"), SIZE_B, 2);
    }

    @Test
    void xmlDumps() throws Exception {
        Path qcow2 = SourceImages.convert(rawA, tmp.resolve("images/vm1-root.qcow2"), "qcow2");
        Path raw = Files.copy(rawB, tmp.resolve("images/vm1-data.img"));
        Files.createDirectories(tmp.resolve("dumps"));
        Files.writeString(tmp.resolve("dumps/vm1.xml"), domain("vm1", qcow2, raw, false));
        both("xmldir", "xmlDir: dumps", Map.of(qcow2, rawA, raw, rawB));
    }

    @Test
    void libvirtTestDriver() throws Exception {
        Path qcow2 = SourceImages.convert(rawA, tmp.resolve("images/vm1-root.qcow2"), "qcow2");
        Path raw = Files.copy(rawB, tmp.resolve("images/vm1-data.img"));
        Path host = tmp.resolve("host.xml");
        Files.writeString(host, "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
                + "  <cpu><mhz>2000</mhz><model>x86_64</model><active>4</active><nodes>1</nodes><sockets>1</sockets>"
                + "<cores>4</cores><threads>1</threads></cpu>\n  <memory>16777216</memory>\n"
                + domain("vm1", qcow2, raw, true) + "</node>\n");
        both("libvirt", "libvirt: \"test://" + host.toAbsolutePath() + "\"", Map.of(qcow2, rawA, raw, rawB));
    }

    /** A VM export: a streamOptimized VMDK of disk A, a qcow2 of disk B, and the OVF naming both, in {@code dir}. */
    private List<Path> export(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path vmdk = SourceImages.convert(rawA, dir.resolve("vm1-disk0.vmdk"), "vmdk");
        Path qcow2 = SourceImages.convert(rawB, dir.resolve("vm1-disk1.qcow2"), "qcow2");
        Path ovf = Files.writeString(dir.resolve("vm1.ovf"), SourceImages.ovf("vm1", List.of(vmdk, qcow2),
                List.of(SIZE_A, SIZE_B)));
        return List.of(ovf, vmdk, qcow2);
    }

    @Test
    void ovaTar() throws Exception {
        List<Path> parts = export(tmp.resolve("ova-parts"));
        SourceImages.tar(tmp.resolve("vm1.ova"), parts);
        both("ova-tar", "ova: vm1.ova", Map.of(parts.get(1), rawA, parts.get(2), rawB));
    }

    @Test
    void ovaGzip() throws Exception {
        List<Path> parts = export(tmp.resolve("ova-parts"));
        Path tar = SourceImages.tar(tmp.resolve("plain.ova"), parts);
        SourceImages.gzip(tar, tmp.resolve("vm1.ova.gz"));
        Files.delete(tar);
        both("ova-gzip", "ova: vm1.ova.gz", Map.of(parts.get(1), rawA, parts.get(2), rawB));
    }

    @Test
    void ovaUnpackedFolder() throws Exception {
        List<Path> parts = export(tmp.resolve("vm1-export"));
        both("ova-folder", "ova: vm1-export", Map.of(parts.get(1), rawA, parts.get(2), rawB));
    }

    @Test
    void ovirtEngineWithImageio() throws Exception {
        Path raw = Files.copy(rawA, Files.createDirectories(tmp.resolve("engine")).resolve("root.raw"));
        Path qcow2 = SourceImages.convert(rawB, tmp.resolve("engine/data.qcow2"), "qcow2");
        try (OvirtStandIn engine = OvirtStandIn.startTls(tmp.resolve("engine-work"))) {
            engine.addVm("vm1", new OvirtStandIn.Disk("5b2a9c1e-0000-4000-8000-0000000000a1", raw),
                    new OvirtStandIn.Disk("5b2a9c1e-0000-4000-8000-0000000000b2", qcow2));
            Files.writeString(tmp.resolve("pw"), OvirtStandIn.PASSWORD + "\n");
            Path ca = engine.caFile().orElseThrow();
            both("ovirt", "ovirt: {url: \"" + engine.apiUrl() + "\", user: " + OvirtStandIn.USER
                    + ", passwordFile: pw, caFile: \"" + ca.toAbsolutePath() + "\"}",
                    Map.of(Path.of("5b2a9c1e-0000-4000-8000-0000000000a1"), rawA,
                            Path.of("5b2a9c1e-0000-4000-8000-0000000000b2"), rawB));
            assertThat(engine.transfers()).as("every transfer ended").allMatch(t -> t.removed()
                    || t.phase().startsWith("finished"));
            assertThat(engine.zeroBytesServed("5b2a9c1e-0000-4000-8000-0000000000b2")).as("zero extents of the"
                    + " qcow2 disk not read").isZero();
        }
    }

    /** Runs the plan into {@code dir:} and into the cluster stand-in and compares every disk. */
    void both(String name, String source, Map<Path, Path> sources) throws Exception {
        PlanRuns.both(tmp, name, source, "[vm1]", sources);
    }

    /** A shut-off domain with a qcow2 system disk and a raw data disk. */
    static String domain(String name, Path qcow2, Path raw, boolean testDriver) {
        return "<domain type='" + (testDriver ? "test" : "kvm") + "'>\n  <name>" + name + "</name>\n"
                + "  <uuid>3f0c1e6a-1b7e-4f8a-9d0e-0c5a3f1e2b01</uuid>\n  <memory unit='GiB'>2</memory>\n"
                + "  <vcpu>2</vcpu>\n  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n  <devices>\n"
                + "    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='"
                + qcow2.toAbsolutePath() + "'/><target dev='vda' bus='virtio'/></disk>\n"
                + "    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='"
                + raw.toAbsolutePath() + "'/><target dev='vdb' bus='virtio'/></disk>\n  </devices>\n"
                + (testDriver ? "  <test:runstate>5</test:runstate>\n" : "") + "</domain>\n";
    }
}
