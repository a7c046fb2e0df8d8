package dev.kvmigrate.converter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvmigrate.converter.mapping.MappingsReader;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Severity;
import dev.kvmigrate.inventory.ova.OvaSource;
import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scan and convert of real VMware-exported Windows OVFs ({@code ../shared/fixtures/real-2/ovf/govmomi}): the
 * Windows Server 2003 guest (LSI Logic SCSI, E1000) and the Windows XP guest (BusLogic SCSI, PCNet32) get SATA
 * disks and e1000e for VMware's E1000, with GUEST_COMPAT_DEVICES, until the mappings say they have virtio drivers.
 * The descriptors come without their disk images; each test puts the descriptor beside an image file of its name
 * in a temporary folder (not in the repository), so the scan finds the disk.
 */
class RealVmwareWindowsOvfConvertTest {
    private static final String GOVMOMI = "fixtures/real-2/ovf/govmomi/";
    private static final String W2K3 = "external__2011OVFs__Win2k3ToolsHWv9__w2k3R2_32-toolsHWv9.ovf";
    private static final String WINXP = "external__2011OVFs__converter_winxp__converter_winxp.ovf";

    @TempDir
    Path dir;

    private MigrationUnit convert(String ovf, String image, String vm, String mappings) throws IOException {
        Path descriptor = SharedDir.require(GOVMOMI + ovf);
        Files.copy(descriptor, dir.resolve(ovf));
        Files.write(dir.resolve(image), new byte[4096]);
        Inventory inventory = OvaSource.open(dir.resolve(ovf)).scan(VmSelector.ALL);
        return Converter.convert(inventory, VmSelector.ALL, MappingsReader.parse(mappings, "mappings.yaml"),
                ConvertOptions.DEFAULTS).vm(vm).orElseThrow();
    }

    private static JsonNode devices(MigrationUnit unit) {
        return unit.virtualMachine().orElseThrow().tree().at("/spec/template/spec/domain/devices");
    }

    @Test
    void windowsServer2003FromVmwareGetsSataAndE1000e() throws IOException {
        MigrationUnit unit = convert(W2K3, "w2k3R2_32-toolsHWv9-disk1.vmdk", "w2k3R2_32-toolsHWv9", "");
        assertThat(unit.blockers()).isEmpty();
        assertThat(devices(unit).at("/disks/0/disk/bus").asText()).isEqualTo("sata");
        assertThat(devices(unit).at("/interfaces/0/model").asText()).isEqualTo("e1000e");
        assertThat(unit.concerns()).filteredOn(c -> c.code().equals("GUEST_COMPAT_DEVICES")).singleElement()
                .satisfies(c -> {
                    assertThat(c.severity()).isEqualTo(Severity.WARNING);
                    assertThat(c.message()).startsWith("VM w2k3R2_32-toolsHWv9: disk ").contains(" on sata, NIC ",
                            " e1000e because it is a Windows guest (winNetStandardGuest) and it comes from VMware"
                                    + " (vmx-09) with SCSI disks and e1000 NICs",
                            "virtioDrivers: true");
                });
        assertThat(unit.concerns()).extracting(Concern::code).contains("NIC_RENAME_LIKELY")
                .doesNotContain("DISK_BUS_CHANGED", "NIC_MODEL_CHANGED");
    }

    @Test
    void windowsXpFromVmwareKeepsItsPcnetAndGetsSata() throws IOException {
        MigrationUnit unit = convert(WINXP, "converter_winxp-disk1.vmdk", "converter_winxp", "");
        assertThat(unit.blockers()).isEmpty();
        assertThat(devices(unit).at("/disks/0/disk/bus").asText()).isEqualTo("sata");
        assertThat(devices(unit).at("/interfaces/0/model").asText()).isEqualTo("pcnet");
        assertThat(unit.concerns()).filteredOn(c -> c.code().equals("GUEST_COMPAT_DEVICES")).singleElement()
                .satisfies(c -> assertThat(c.message()).contains("on sata because it is a Windows guest"
                        + " (winXPProGuest) and it comes from VMware").doesNotContain("e1000e"));
    }

    @Test
    void theVirtioMappingGivesTheSameGuestVirtio() throws IOException {
        MigrationUnit unit = convert(W2K3, "w2k3R2_32-toolsHWv9-disk1.vmdk", "w2k3R2_32-toolsHWv9",
                "guests:\n  w2k3*: {virtioDrivers: true}\n");
        assertThat(unit.blockers()).isEmpty();
        assertThat(devices(unit).at("/disks/0/disk/bus").asText()).isEqualTo("scsi");
        assertThat(devices(unit).at("/interfaces/0/model").asText()).isEqualTo("e1000");
        assertThat(unit.concerns()).extracting(Concern::code).doesNotContain("GUEST_COMPAT_DEVICES");
    }
}
