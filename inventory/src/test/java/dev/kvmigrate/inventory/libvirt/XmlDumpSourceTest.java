package dev.kvmigrate.inventory.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskFormat;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Vm;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XmlDumpSourceTest {
    private static final String DOMAIN = "<domain type='kvm'><name>%s</name><memory unit='GiB'>2</memory>"
            + "<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os><devices>%s</devices></domain>";

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void relativeDiskPathsResolveAgainstTheDumpAndAreSizedFromTheirHeaders(@TempDir Path dir) throws Exception {
        write(dir.resolve("host1/app-01.xml"), String.format(DOMAIN, "app-01",
                "<disk type='file' device='disk'><driver type='raw'/><source file='disks/app-01.img'/>"
                        + "<target dev='vda' bus='virtio'/></disk>"
                        + "<disk type='file' device='disk'><source file='disks/missing.qcow2'/>"
                        + "<target dev='vdb' bus='virtio'/></disk>"));
        Path img = dir.resolve("host1/disks/app-01.img");
        Files.createDirectories(img.getParent());
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(64L << 20);
        }
        Files.writeString(dir.resolve("host1/disks/notes.txt"), "not xml, ignored");
        Inventory inv = XmlDumpSource.open(dir).scan(VmSelector.ALL);
        Vm vm = inv.vm("app-01").orElseThrow();
        Disk sized = vm.disks().get(0);
        assertThat(sized.source().location()).isEqualTo(img.toAbsolutePath().normalize().toString());
        assertThat(sized.virtualSize()).contains(64L << 20);
        assertThat(sized.format()).isEqualTo(DiskFormat.RAW);
        assertThat(vm.disks().get(1).virtualSize()).isEmpty();
        assertThat(vm.concerns()).filteredOn(c -> c.code().equals("DISK_SIZE_UNKNOWN")).singleElement()
                .satisfies(c -> assertThat(c.message()).contains("missing.qcow2"));
    }

    @Test
    void nonDomainFilesAreSkippedAndBrokenOnesNamedWhileTheRestScans(@TempDir Path dir) throws Exception {
        write(dir.resolve("ok.xml"), String.format(DOMAIN, "ok-01", ""));
        write(dir.resolve("pool.xml"), "<pool type='dir'><name>default</name></pool>");
        write(dir.resolve("caps.XML"), "<capabilities/>");
        write(dir.resolve("cut.xml"), "<domain><name>cut</name>");
        write(dir.resolve("bomb.xml"), "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
                + "<!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>]><domain><name>&lol2;</name></domain>");
        write(dir.resolve("nomem.xml"), "<domain><name>nomem</name><vcpu>1</vcpu></domain>");
        XmlDumpSource source = XmlDumpSource.open(dir);
        Inventory inv = source.scan(VmSelector.ALL);
        assertThat(inv.vms()).extracting(Vm::name).containsExactly("ok-01");
        assertThat(source.skippedFiles()).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("pool.xml", "caps.XML");
        assertThat(source.problems()).hasSize(3);
        assertThat(String.join("\n", source.problems())).contains("cut.xml", "bomb.xml", "DOCTYPE", "nomem.xml",
                "<memory> is missing");
    }

    @Test
    void testDriverNodeDocumentIsReadWithItsDevices(@TempDir Path dir) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("edge-host.xml")) {
            Files.copy(in, dir.resolve("edge-host.xml"));
        }
        XmlDumpSource source = XmlDumpSource.open(dir);
        Inventory inv = source.scan(VmSelector.of(List.of("Viz_WS.*")));
        assertThat(inv.vms()).singleElement().satisfies(vm -> {
            assertThat(vm.gpus()).extracting(g -> g.kind()).containsExactly(GpuKind.VGPU, GpuKind.VGPU);
            assertThat(vm.gpus().get(0).mdevTypeName()).contains("NVIDIA L4-2Q");
        });
    }

    @Test
    void unmatchedSelectorAndMissingDirectoryAreInvalidInput(@TempDir Path dir) throws Exception {
        write(dir.resolve("ok.xml"), String.format(DOMAIN, "ok-01", ""));
        assertThatThrownBy(() -> XmlDumpSource.open(dir).scan(VmSelector.of(List.of("nope"))))
                .isInstanceOfSatisfying(KvMigrateException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
                .hasMessageContaining("--vm nope").hasMessageContaining("ok-01");
        assertThatThrownBy(() -> XmlDumpSource.open(dir.resolve("absent")))
                .hasMessageContaining("is not a directory");
    }
}
