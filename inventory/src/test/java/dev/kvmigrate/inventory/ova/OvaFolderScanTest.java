package dev.kvmigrate.inventory.ova;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --ova DIR}: every OVA and OVF under the folder is read; one that cannot be read is a problem naming the
 * file and the reason, and the others are kept.
 */
class OvaFolderScanTest {
    @TempDir
    Path tmp;

    @Test
    void brokenOvasAreProblemsAndTheGoodOnesAreKept() {
        Path dir = SharedDir.require("fixtures/real-2/ovf/glance-ova");
        try (OvaSource source = OvaSource.open(dir)) {
            Inventory inv = source.scan(VmSelector.ALL);
            assertThat(inv.vms()).extracting(Vm::sourceRef).containsExactly(
                    dir.resolve("testserver-no-disk.ova").toString(), dir.resolve("testserver.ova").toString());
            assertThat(inv.vms().get(0).concerns()).extracting(c -> c.code()).contains("DISK_IMAGE_MISSING");
            assertThat(source.problems()).hasSize(3).satisfiesExactly(
                    p -> assertThat(p).contains("testserver-bad-ovf.ova!illegal-xml.ovf", "malformed XML"),
                    p -> assertThat(p).contains("testserver-no-ovf.ova", "holds no .ovf descriptor"),
                    p -> assertThat(p).contains("testserver-not-tar.ova"));
        }
    }

    @Test
    void plainAndGzippedOvasInSubfoldersAreRead() throws Exception {
        Path raw = Files.write(tmp.resolve("disk.raw"), new byte[1 << 20]);
        Path dir = Files.createDirectories(tmp.resolve("exports/b"));
        for (String vm : List.of("a", "b")) {
            boolean gzip = vm.equals("a");
            new OvaBuilder().text("vm.ovf", OvaBuilder.vmwareOvf(vm, List.of("disk.raw"), List.of(1L << 20), "efi"))
                    .file("disk.raw", raw).write(dir.resolve(vm + (gzip ? ".ova.gz" : ".ova")), gzip);
        }
        Files.writeString(tmp.resolve("exports/notes.txt"), "not an OVA");
        try (OvaSource source = OvaSource.open(tmp.resolve("exports"))) {
            assertThat(source.scan(VmSelector.ALL).vms()).extracting(Vm::name).containsExactly("a", "b");
            assertThat(source.problems()).isEmpty();
        }
    }

    @Test
    void everyRealOvfFolderScansWithoutACrash() {
        for (String folder : List.of("fixtures/real-2/ovf", "fixtures/ovf")) {
            Path dir = SharedDir.require(folder);
            try (OvaSource source = OvaSource.open(dir)) {
                Inventory inv = source.scan(VmSelector.ALL);
                System.out.printf("%s: %d VM(s), %d unreadable file(s)%n", folder, inv.vms().size(),
                        source.problems().size());
                assertThat(inv.vms()).as(folder).hasSizeGreaterThan(source.problems().size());
                assertThat(source.problems()).as(folder).allSatisfy(p -> assertThat(p).contains(dir.toString()));
            }
        }
    }

    @Test
    void theNsxApplianceInAFolderScanTakesTheConfigurationAskedFor() throws Exception {
        Path ovf = SharedDir.require("fixtures/real-2/ovf/govmomi/vmware__nsx-unified-appliance-9.1.0.0.25262063.ovf");
        Path dir = Files.createDirectories(tmp.resolve("appliances"));
        Files.copy(ovf, dir.resolve("nsx.ovf"));
        Files.writeString(dir.resolve("no-options.ovf"), Files.readString(SharedDir.require(
                "fixtures/real-2/ovf/cot/minimal.ovf")));
        try (OvaSource source = OvaSource.open(dir, Optional.of("large"))) {
            Inventory inv = source.scan(VmSelector.ALL);
            assertThat(inv.vms()).singleElement().satisfies(vm -> {
                assertThat(vm.cpu().vcpus()).isEqualTo(12);
                assertThat(vm.memory().bytes()).isEqualTo(48L << 30);
            });
            assertThat(source.problems()).singleElement().asString().contains("no-options.ovf",
                    "--ovf-config large is not a deployment configuration", "it offers none");
        }
    }
}
