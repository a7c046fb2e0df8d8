package dev.kvmigrate.inventory.ova;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskFormat;
import dev.kvmigrate.inventory.model.DiskSourceType;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Vm;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real OVAs: disks made with qemu-img, tarred with commons-compress, sizes checked against qemu-img info. */
class OvaSourceIT {
    @TempDir
    static Path dir;
    static Path qcow2;
    static Path raw;
    static Path vmdk;

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    }

    static long qemuVirtualSize(Path image) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("qemu-img", "info", "--output=json", image.toString()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new ObjectMapper().readTree(out).get("virtual-size").asLong();
    }

    @BeforeAll
    static void images() throws Exception {
        qcow2 = dir.resolve("root.qcow2");
        raw = dir.resolve("data.raw");
        vmdk = dir.resolve("scratch.vmdk");
        run("qemu-img", "create", "-q", "-f", "qcow2", qcow2.toString(), "96M");
        run("qemu-img", "create", "-q", "-f", "raw", raw.toString(), "8M");
        run("qemu-img", "create", "-q", "-f", "raw", dir.resolve("src.raw").toString(), "48M");
        run("qemu-img", "convert", "-q", "-O", "vmdk", "-o", "subformat=streamOptimized",
                dir.resolve("src.raw").toString(), vmdk.toString());
    }

    Path ova(String name, boolean gzip, String ovfSizesFrom) throws Exception {
        List<Path> disks = List.of(qcow2, raw, vmdk);
        List<Long> caps = ovfSizesFrom.equals("qemu")
                ? List.of(qemuVirtualSize(qcow2), qemuVirtualSize(raw), qemuVirtualSize(vmdk))
                : List.of(1L << 20, 1L << 20, 1L << 20);
        OvaBuilder b = new OvaBuilder().text("vm.ovf", OvaBuilder.vmwareOvf("ova-vm",
                List.of("disks/root.qcow2", "disks/data.raw", "disks/scratch.vmdk"), caps, "efi"));
        b.text("vm.mf", "SHA256(vm.ovf)= 00\n");
        for (Path d : disks) {
            b.file("disks/" + d.getFileName(), d);
        }
        return b.write(dir.resolve(name), gzip);
    }

    void assertSizes(Vm vm) throws Exception {
        assertThat(vm.disks()).hasSize(3);
        List<Path> expected = List.of(qcow2, raw, vmdk);
        for (int i = 0; i < 3; i++) {
            Disk d = vm.disks().get(i);
            assertThat(d.virtualSize()).as(d.target()).contains(qemuVirtualSize(expected.get(i)));
            assertThat(d.source().type()).isEqualTo(DiskSourceType.OVA_ENTRY);
            assertThat(d.source().entry()).contains("disks/" + expected.get(i).getFileName());
        }
        assertThat(vm.disks()).extracting(Disk::format)
                .containsExactly(DiskFormat.QCOW2, DiskFormat.RAW, DiskFormat.VMDK);
    }

    @Test
    void plainOvaScansWithQemuImgSizes() throws Exception {
        Path ova = ova("plain.ova", false, "qemu");
        Inventory inv = OvaSource.open(ova).scan(VmSelector.ALL);
        Vm vm = inv.vms().get(0);
        assertSizes(vm);
        // The source-neutral rules raise nothing for this VM; its VMware NIC model is the converter's to replace.
        assertThat(vm.concerns()).isEmpty();
        assertThat(vm.firmware().bootMode()).isEqualTo(BootMode.UEFI);
        assertThat(vm.cpu().topology().cores()).isEqualTo(2);
        assertThat(vm.cpu().topology().sockets()).isEqualTo(2);
        assertThat(vm.memory().bytes()).isEqualTo(4096L << 20);
        assertThat(vm.nics()).singleElement().satisfies(n -> assertThat(n.mac()).contains("00:50:56:aa:bb:cc"));
        assertThat(vm.disks().get(0).source().location()).isEqualTo(ova.toString());
    }

    @Test
    void memberOffsetsPointAtTheMembersBytes() throws Exception {
        Path ova = ova("offsets.ova", false, "qemu");
        TarIndex.Result index = TarIndex.read(ova);
        for (Path d : List.of(qcow2, raw, vmdk)) {
            OvaEntry e = index.entries().get("disks/" + d.getFileName());
            assertThat(e.size()).isEqualTo(Files.size(d));
            byte[] want = Arrays.copyOf(Files.readAllBytes(d), 4096);
            byte[] got = new byte[4096];
            try (RandomAccessFile f = new RandomAccessFile(ova.toFile(), "r")) {
                f.seek(e.dataOffset().getAsLong());
                f.readFully(got);
            }
            assertThat(got).as(d.toString()).isEqualTo(want);
        }
    }

    @Test
    void gzipWrappedOvaIsStreamed() throws Exception {
        Inventory inv = OvaSource.open(ova("wrapped.ova", true, "qemu")).scan(VmSelector.ALL);
        assertSizes(inv.vms().get(0));
        assertThat(inv.vms().get(0).concerns()).isEmpty();
    }

    @Test
    void descriptorSizesThatDisagreeWithTheHeadersAreFlagged() throws Exception {
        Vm vm = OvaSource.open(ova("lying.ova", false, "wrong")).scan(VmSelector.ALL).vms().get(0);
        assertSizes(vm);
        assertThat(vm.concerns()).filteredOn(c -> c.code().equals("DISK_SIZE_MISMATCH")).hasSize(3);
    }

    @Test
    void unpackedDirectoryScansAsFiles() throws Exception {
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        Files.copy(qcow2, unpacked.resolve("root.qcow2"));
        Files.writeString(unpacked.resolve("vm.ovf"), OvaBuilder.vmwareOvf("dir-vm", List.of("root.qcow2", "gone.vmdk"),
                List.of(qemuVirtualSize(qcow2), 1L << 30), "bios"));
        Vm vm = OvaSource.open(unpacked).scan(VmSelector.ALL).vms().get(0);
        assertThat(vm.disks().get(0).source().type()).isEqualTo(DiskSourceType.FILE);
        assertThat(vm.disks().get(0).virtualSize()).contains(qemuVirtualSize(qcow2));
        assertThat(vm.concerns()).extracting(c -> c.code()).containsExactly("DISK_IMAGE_MISSING");
        assertThat(OvaSource.open(unpacked.resolve("vm.ovf")).scan(VmSelector.ALL).vms()).hasSize(1);
    }
}
