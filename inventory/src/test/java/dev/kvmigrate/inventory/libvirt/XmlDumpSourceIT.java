package dev.kvmigrate.inventory.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.inventory.model.SourceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.Domain;

/**
 * The offline source on what libvirt itself prints: the gpu-host test driver is dumped (domain XML and node
 * device XML, as {@code virsh dumpxml} / {@code nodedev-dumpxml} would write them) into a directory, which the
 * XML-dump source must read to the same VMs and GPUs as the live scan.
 */
class XmlDumpSourceIT {

    @Test
    void dumpsOfTheGpuHostGiveTheSameGpus(@TempDir Path dir) throws Exception {
        Connect conn = new Connect(LibvirtSourceIT.gpuHostUri(), true);
        try {
            Files.createDirectories(dir.resolve("domains"));
            Files.createDirectories(dir.resolve("nodedev"));
            for (Domain d : conn.listAllDomains(0)) {
                Files.writeString(dir.resolve("domains/" + d.getName() + ".xml"), d.getXMLDesc(0));
            }
            for (String n : conn.listDevices(null)) {
                Files.writeString(dir.resolve("nodedev/" + n + ".xml"), conn.deviceLookupByName(n).getXMLDescription());
            }
            Files.writeString(dir.resolve("net-default.xml"), conn.networkLookupByName("default").getXMLDesc(0));
        } finally {
            conn.close();
        }
        Files.writeString(dir.resolve("domains/broken.xml"), "<domain type='kvm'><name>half");
        XmlDumpSource source = XmlDumpSource.open(dir);
        Inventory inv = source.scan(VmSelector.ALL);
        assertThat(inv.source().kind()).isEqualTo(SourceKind.XML_DUMP);
        GpuHostExpectations.assertGpuHost(inv);
        assertThat(source.skippedFiles()).extracting(p -> p.getFileName().toString()).containsExactly("net-default.xml");
        assertThat(source.problems()).singleElement().satisfies(p -> assertThat(p).contains("broken.xml"));
        // A running domain's dump carries its id.
        assertThat(GpuHostExpectations.vm(inv, "cad-ws-01").powerState()).isEqualTo(PowerState.RUNNING);
        assertThat(GpuHostExpectations.vm(inv, "render-02").powerState()).isEqualTo(PowerState.SHUTOFF);
    }
}
