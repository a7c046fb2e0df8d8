package dev.kvmigrate.inventory.ova;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.Vm;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile or broken OVAs end in a clear invalid-input error naming the OVA and entry, and nothing is written. */
class OvaHardeningTest {
    static final String OVF = OvaBuilder.vmwareOvf("vm", List.of("disk.raw"), List.of(1L << 20), "bios");

    @TempDir
    Path dir;

    static void refused(ThrowingCallable call, String... fragments) {
        assertThatThrownBy(call).isInstanceOfSatisfying(KvMigrateException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
            assertThat(e.getMessage()).contains(fragments);
        });
    }

    Path scanRefused(OvaBuilder b, boolean gzip, String... fragments) throws IOException {
        Path ova = b.write(dir.resolve("bad.ova"), gzip);
        List<Path> before = listing();
        refused(() -> OvaSource.open(ova).scan(VmSelector.ALL), fragments);
        assertThat(listing()).isEqualTo(before);
        return ova;
    }

    List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void climbingEntryNames() throws IOException {
        scanRefused(new OvaBuilder().text("vm.ovf", OVF).text("../../evil.raw", "x"), false, "bad.ova",
                "'../../evil.raw'", "..");
    }

    @Test
    void absoluteEntryNames() throws IOException {
        scanRefused(new OvaBuilder().text("/etc/cron.d/evil", "x").text("vm.ovf", OVF), false, "/etc/cron.d/evil",
                "absolute");
    }

    @Test
    void symbolicAndHardLinks() throws IOException {
        scanRefused(new OvaBuilder().text("vm.ovf", OVF).symlink("disk.raw", "/dev/sda"), false, "'disk.raw'",
                "symbolic link", "/dev/sda");
        scanRefused(new OvaBuilder().text("vm.ovf", OVF).hardlink("disk.raw", "/etc/shadow"), true, "hard link");
    }

    @Test
    void oversizedNames() throws IOException {
        // longer than any platform's longest path (OvaMemberPolicy.MAX_NAME); 5,000 characters are read (longname.ova)
        scanRefused(new OvaBuilder().text("vm.ovf", OVF).text("d/".repeat(17_000) + "x.raw", "x"), false,
                "characters (limit");
    }

    @Test
    void xxeInTheDescriptor() throws IOException {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Envelope>&x;</Envelope>";
        scanRefused(new OvaBuilder().text("vm.ovf", xxe), false, "bad.ova!vm.ovf", "DOCTYPE");
    }

    @Test
    void truncatedArchives() throws IOException {
        byte[] disk = new byte[1 << 20];
        new Random(1).nextBytes(disk);
        Path raw = Files.write(dir.resolve("disk.raw"), disk);
        for (boolean gzip : List.of(false, true)) {
            Path ova = new OvaBuilder().text("vm.ovf", OVF).file("disk.raw", raw).write(dir.resolve("t" + gzip + ".ova"), gzip);
            try (FileChannel ch = FileChannel.open(ova, StandardOpenOption.WRITE)) {
                ch.truncate(ch.size() / 2);
            }
            refused(() -> OvaSource.open(ova).scan(VmSelector.ALL), "t" + gzip + ".ova");
        }
    }

    @Test
    void notAnArchiveAndNoDescriptor() throws IOException {
        byte[] junk = new byte[10_000];
        new Random(2).nextBytes(junk);
        Path notTar = Files.write(dir.resolve("junk.ova"), junk);
        refused(() -> OvaSource.open(notTar).scan(VmSelector.ALL), "junk.ova");
        scanRefused(new OvaBuilder().text("disk.raw", "x"), false, "no .ovf descriptor");
        refused(() -> OvaSource.open(dir.resolve("missing.ova")), "does not exist");
    }

    @Test
    void ovfReferencesOutsideAnUnpackedDirectoryAreRefused() throws IOException {
        Path unpacked = Files.createDirectories(dir.resolve("u"));
        Files.writeString(unpacked.resolve("vm.ovf"),
                OvaBuilder.vmwareOvf("vm", List.of("../../etc/passwd"), List.of(1L << 20), "bios"));
        refused(() -> OvaSource.open(unpacked.resolve("vm.ovf")).scan(VmSelector.ALL), "points outside");
        try (OvaSource folder = OvaSource.open(unpacked)) {
            assertThat(folder.scan(VmSelector.ALL).vms()).isEmpty();
            assertThat(folder.problems()).singleElement().asString().contains("vm.ovf", "points outside");
        }
    }

    @Test
    void ovirtExportWithMdevTypeCustomProperty() throws IOException {
        String ovf = "<?xml version='1.0' encoding='UTF-8'?>"
                + "<ovf:Envelope xmlns:ovf='http://schemas.dmtf.org/ovf/envelope/1/'"
                + " xmlns:rasd='http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData'"
                + " xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance' ovf:version='4.4.0.0'>"
                + "<References><File ovf:href='d1/v1' ovf:id='d1/v1' ovf:size='1048576'/></References>"
                + "<Section xsi:type='ovf:DiskSection_Type'><Disk ovf:diskId='v1' ovf:fileRef='d1/v1'"
                + " ovf:capacity='1048576' ovf:volume-format='RAW' ovf:disk-interface='VirtIO_SCSI'/></Section>"
                + "<Content ovf:id='out' xsi:type='ovf:VirtualSystem_Type'><Name>vgpu-vm</Name><BiosType>4</BiosType>"
                + "<CustomProperties>mdev_type=nodisplay,nvidia-22,nvidia-22;sap_agent=false</CustomProperties>"
                + "<Section xsi:type='ovf:OperatingSystemSection_Type'><Description>windows_11</Description></Section>"
                + "<Section xsi:type='ovf:VirtualHardwareSection_Type'>"
                + "<Item><rasd:ResourceType>3</rasd:ResourceType><rasd:num_of_sockets>2</rasd:num_of_sockets>"
                + "<rasd:cpu_per_socket>4</rasd:cpu_per_socket><rasd:threads_per_cpu>2</rasd:threads_per_cpu></Item>"
                + "<Item><rasd:ResourceType>4</rasd:ResourceType><rasd:AllocationUnits>MegaBytes</rasd:AllocationUnits>"
                + "<rasd:VirtualQuantity>8192</rasd:VirtualQuantity></Item>"
                + "<Item><rasd:ResourceType>17</rasd:ResourceType><rasd:HostResource>d1/v1</rasd:HostResource>"
                + "<BootOrder>1</BootOrder></Item></Section></Content></ovf:Envelope>";
        Path raw = Files.write(dir.resolve("v1"), new byte[1 << 20]);
        Path ova = new OvaBuilder().text("vm.ovf", ovf).file("d1/v1", raw).write(dir.resolve("ovirt.ova"), false);
        Vm vm = OvaSource.open(ova).scan(VmSelector.ALL).vms().get(0);
        assertThat(vm.gpus()).hasSize(2).allSatisfy(g -> {
            assertThat(g.mdevType()).contains("nvidia-22");
            assertThat(g.display()).isFalse();
        });
        assertThat(vm.gpus()).noneMatch(Gpu::ramfb);
        assertThat(vm.customProperties()).containsEntry("sap_agent", "false");
        assertThat(vm.firmware().secureBoot()).isTrue();
        assertThat(vm.cpu().vcpus()).isEqualTo(16);
        assertThat(vm.memory().bytes()).isEqualTo(8L << 30);
        assertThat(vm.os()).contains("windows_11");
        assertThat(vm.disks().get(0).virtualSize()).contains(1L << 20);
        assertThat(vm.disks().get(0).source().entry()).contains("d1/v1");
        // The OVF's own GPU concerns (warnings: a gpus mapping may name them), then the source-neutral rules
        // (secure boot without its NVRAM).
        assertThat(vm.concerns()).extracting(c -> c.code()).containsExactly("GPU_TYPE_NAME_UNKNOWN",
                "GPU_TYPE_NAME_UNKNOWN", "NVRAM_NOT_CARRIED");
        assertThat(vm.blocked()).isFalse();
    }
}
