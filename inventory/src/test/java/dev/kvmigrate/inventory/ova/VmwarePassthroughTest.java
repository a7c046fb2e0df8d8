package dev.kvmigrate.inventory.ova;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** VMware's vGPU profile names and PCI id spellings, and an NVIDIA DirectPath GPU with its audio function. */
class VmwarePassthroughTest {
    @Test
    void profilesBecomeNvidiaTypeNames() {
        assertThat(VmwarePassthrough.typeName("grid_a100-8c")).contains("GRID A100-8C");
        assertThat(VmwarePassthrough.typeName("grid_a100-1-5c")).contains("GRID A100-1-5C");
        assertThat(VmwarePassthrough.typeName("nvidia_l40s-8q")).contains("NVIDIA L40S-8Q");
        assertThat(VmwarePassthrough.typeName("grid_t4-1q")).contains("GRID T4-1Q");
        assertThat(VmwarePassthrough.typeName("mockup-vmiop")).isEmpty();
    }

    @Test
    void vendorIdsAreSignedDecimalOrHexDeviceIdsHex() {
        assertThat(VmwarePassthrough.vendorId("-32634")).contains("8086");
        assertThat(VmwarePassthrough.vendorId("4318")).contains("10de");
        assertThat(VmwarePassthrough.vendorId("5348")).contains("14e4");
        assertThat(VmwarePassthrough.vendorId("0x10DE")).contains("10de");
        assertThat(VmwarePassthrough.vendorId("testVendorID")).isEmpty();
        assertThat(VmwarePassthrough.vendorId("70000")).isEmpty();
        assertThat(VmwarePassthrough.hexId("1eb8")).contains("1eb8");
        assertThat(VmwarePassthrough.hexId("0x20B0")).contains("20b0");
        assertThat(VmwarePassthrough.hexId("testDeviceID")).isEmpty();
    }

    /** The real two-device DirectPath OVF with its Intel NICs swapped for a Tesla T4 (10de:1eb8) and its audio. */
    @Test
    void anNvidiaFunctionZeroIsAGpuAndItsOtherFunctionsItsCompanions() throws Exception {
        String ovf = Files.readString(SharedDir.require(
                "fixtures/real-2/ovf/govmomi/external__pci-passthrough__legacy__pci-legacy-2-devices.ovf"));
        ovf = ovf.replace("vmw:value=\"-32634\"", "vmw:value=\"4318\"")
                .replaceFirst("vmw:value=\"10d3\"", "vmw:value=\"1eb8\"")
                .replaceFirst("vmw:value=\"10d3\"", "vmw:value=\"10f8\"")
                .replace("0000:1b:00.0", "0000:04:00.1");
        List<Vm> vms = OvfMapper.map(SafeXml.parse(ovf, "t4.ovf"), "t4.ovf", href -> Optional.empty());
        assertThat(vms).extracting(OvfSummary::of).containsExactly("pci-legacy-2-devices cpu=1 mem=2048Mi fw=UEFI+SB"
                + " disks=1 nics=1 gpus=[PASSTHROUGH 10de:1eb8@0000:04:00.0]"
                + " hostdevs=[PCI 10de:10f8@0000:04:00.1 companion-of 0000:04:00.0] concerns=[DISK_IMAGE_MISSING]");
    }
}
