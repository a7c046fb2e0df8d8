package dev.kvmigrate.inventory.ova;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The real OVFs from virt-v2v's tests (fixtures/ovf) all map; two are checked field by field. */
class OvfCorpusTest {

    static List<Vm> map(Path ovf) {
        return OvfMapper.map(SafeXml.parse(ovf), ovf.toString(), href -> Optional.empty());
    }

    @Test
    void everyOvfMaps() throws IOException {
        Path dir = SharedDir.require("fixtures/ovf");
        int files = 0;
        int disks = 0;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(p -> p.getFileName().toString().matches(".*\\.ovf(\\.expected)?")).sorted().toList()) {
                List<Vm> vms = map(f);
                assertThat(vms).as(f.toString()).isNotEmpty();
                files++;
                for (Vm vm : vms) {
                    assertThat(vm.disks()).as(f.toString()).isNotEmpty();
                    disks += vm.disks().size();
                }
            }
        }
        System.out.printf("OVF corpus: %d descriptors, %d disks/drives mapped%n", files, disks);
        assertThat(files).isGreaterThanOrEqualTo(10);
    }

    @Test
    void vmwareStyleOvf() {
        Vm vm = map(SharedDir.require("fixtures/ovf/virt-v2v/tests/test-i-ova.ovf")).get(0);
        assertThat(vm.name()).isEqualTo("TestOva");
        assertThat(vm.cpu().vcpus()).isEqualTo(1);
        assertThat(vm.memory().bytes()).isEqualTo(2048L << 20);
        assertThat(vm.firmware().bootMode()).isEqualTo(BootMode.BIOS);
        assertThat(vm.os()).contains("windows7_64Guest");
        var disk = vm.disks().stream().filter(d -> d.device() == DiskDevice.DISK).findFirst().orElseThrow();
        assertThat(disk.virtualSize()).contains(32L << 30);
        assertThat(disk.name()).contains("test-ova.vmdk");
        assertThat(vm.disks()).anyMatch(d -> d.device() == DiskDevice.CDROM);
        assertThat(vm.nics()).singleElement().satisfies(n -> {
            assertThat(n.model()).isEqualTo("e1000");
            assertThat(n.network()).isEqualTo("VM Network");
        });
        assertThat(vm.concerns()).extracting(Concern::code).contains("DISK_IMAGE_MISSING");
    }

    @Test
    void ovirtStyleOvf() {
        Vm vm = map(SharedDir.require("fixtures/ovf/virt-v2v/tests/test-o-ovirt.ovf.expected")).get(0);
        assertThat(vm.name()).isEqualTo("windows");
        assertThat(vm.os()).contains("windows_2022");
        assertThat(vm.cpu().vcpus()).isEqualTo(1);
        assertThat(vm.memory().bytes()).isEqualTo(1024L << 20);
        assertThat(vm.firmware().machineType()).contains("i440fx");
        assertThat(vm.disks()).singleElement().satisfies(d -> {
            assertThat(d.virtualSize()).contains(536870912L);
            assertThat(d.bootOrder()).contains(1);
        });
        assertThat(vm.nics()).singleElement().satisfies(n -> {
            assertThat(n.model()).isEqualTo("virtio");
            assertThat(n.mac()).contains("00:11:22:33:44:55");
            assertThat(n.network()).isEqualTo("default");
        });
        assertThat(vm.video()).containsExactly("vga");
    }

    @Test
    void units() {
        assertThat(OvfUnits.bytes(Optional.of("32"), Optional.of("byte * 2^30"))).contains(32L << 30);
        assertThat(OvfUnits.bytes(Optional.of("2048"), Optional.of("byte * 2^20"))).contains(2048L << 20);
        assertThat(OvfUnits.bytes(Optional.of("5"), Optional.of("byte * 10^9"))).contains(5_000_000_000L);
        assertThat(OvfUnits.bytes(Optional.of("1024"), Optional.of("MegaBytes"))).contains(1L << 30);
        assertThat(OvfUnits.bytes(Optional.of("7"), Optional.empty())).contains(7L);
        assertThat(OvfUnits.bytes(Optional.of("7"), Optional.of("furlongs"))).isEmpty();
        assertThat(OvfUnits.bytes(Optional.of("9"), Optional.of("byte * 2^70"))).isEmpty();
    }
}
