package dev.kvmigrate.inventory.ova;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Inventory;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unpacked OVA folder cannot lead out of itself through a linked subdirectory: the OVF is refused (an error for
 * the file, a problem of the folder scan).
 */
class OvaFolderLinkTest {
    @TempDir
    Path dir;

    @Test
    void hrefThroughALinkedSubdirectoryIsRefused() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        sized(elsewhere.resolve("disk.raw"));
        Path unpacked = Files.createDirectories(dir.resolve("u"));
        Files.createSymbolicLink(unpacked.resolve("sub"), elsewhere);
        Files.writeString(unpacked.resolve("vm.ovf"),
                OvaBuilder.vmwareOvf("vm", List.of("sub/disk.raw"), List.of(1L << 20), "bios"));
        OvaHardeningTest.refused(() -> OvaSource.open(unpacked.resolve("vm.ovf")).scan(VmSelector.ALL),
                "sub/disk.raw", "points outside");
        try (OvaSource folder = OvaSource.open(unpacked)) {
            assertThat(folder.scan(VmSelector.ALL).vms()).isEmpty();
            assertThat(folder.problems()).singleElement().asString().contains("vm.ovf", "sub/disk.raw",
                    "points outside");
        }
    }

    @Test
    void realSubdirectoryAndAFolderGivenThroughALinkStillRead() throws Exception {
        Path unpacked = Files.createDirectories(dir.resolve("u2"));
        Files.createDirectories(unpacked.resolve("sub"));
        sized(unpacked.resolve("sub/disk.raw"));
        Files.writeString(unpacked.resolve("vm.ovf"),
                OvaBuilder.vmwareOvf("vm", List.of("sub/disk.raw"), List.of(1L << 20), "bios"));
        Path link = Files.createSymbolicLink(dir.resolve("u2-link"), unpacked);
        for (Path p : new Path[] {unpacked, link}) {
            Inventory inv = OvaSource.open(p).scan(VmSelector.ALL);
            assertThat(inv.vms()).singleElement().satisfies(vm -> assertThat(vm.disks()).singleElement()
                    .satisfies(d -> assertThat(d.virtualSize()).contains(1L << 20)));
        }
    }

    private static void sized(Path f) throws Exception {
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(1L << 20);
        }
    }
}
