package dev.kvmigrate.inventory.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --xml-dir} given hostile input: deep nesting, links, nothing to scan. */
class HostileDumpDirTest {
    private static final String DOMAIN = "<domain type='kvm'><name>%s</name><memory unit='GiB'>2</memory>"
            + "<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os><devices/></domain>";

    @TempDir
    Path tmp;

    @Test
    void deeplyNestedDumpIsThatFilesProblemAndTheRestIsScanned() throws Exception {
        Path deep = SharedDir.require("fixtures/hostile/deep-xml/web-03.xml");
        Path dir = Files.createDirectories(tmp.resolve("dumps"));
        Files.copy(deep, dir.resolve("web-03.xml"));
        Files.writeString(dir.resolve("ok-01.xml"), String.format(DOMAIN, "ok-01"));
        XmlDumpSource src = XmlDumpSource.open(dir);
        Inventory inv = src.scan(VmSelector.ALL);
        assertThat(inv.vms()).extracting(v -> v.name()).containsExactly("ok-01");
        assertThat(src.problems()).singleElement().asString().contains("web-03.xml", "malformed XML",
                "deeper than 256");
    }

    @Test
    void directoryGivenThroughALinkIsScannedAndLinkedDumpsAreRead() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Files.writeString(real.resolve("a-01.xml"), String.format(DOMAIN, "a-01"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("b-02.xml"), String.format(DOMAIN, "b-02"));
        Files.createSymbolicLink(real.resolve("b-02.xml"), elsewhere.resolve("b-02.xml"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        Inventory inv = XmlDumpSource.open(link).scan(VmSelector.ALL);
        assertThat(inv.vms()).extracting(v -> v.name()).containsExactlyInAnyOrder("a-01", "b-02");
    }

    @Test
    void directoryWithoutDumpsIsAnErrorNotAnEmptyInventory() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("notes.txt"), "no dumps here");
        Path link = Files.createSymbolicLink(tmp.resolve("empty-link"), empty);
        for (Path dir : new Path[] {empty, link}) {
            assertThatThrownBy(() -> XmlDumpSource.open(dir).scan(VmSelector.ALL))
                    .isInstanceOfSatisfying(KvMigrateException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
                        assertThat(e.getMessage()).contains(dir.toString(), "holds no *.xml file");
                    });
        }
    }
}
