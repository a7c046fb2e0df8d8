package dev.kvmigrate.inventory.ova;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real third-party OVFs of {@code fixtures/real-2/ovf} (VMware's govmomi test corpus, COT, nova), file by file:
 * what the OVF reader makes of each VM ({@link OvfSummary}: vCPUs, memory, firmware, disks, NICs, GPUs, host
 * devices, the reader's own concern codes), or the error a file that is no usable OVF gets. Every govmomi OVF with
 * a {@code vmware.pci.passthrough…} item has a row. The images are not there, so every disk is DISK_IMAGE_MISSING.
 */
class RealOvfTableTest {
    static Stream<Arguments> vms() {
        return Stream.of(
                // vGPU: backing.vgpu grid_a100-8c is NVIDIA's GRID A100-8C; firmware=efi + efiSecureBootEnabled
                row("govmomi/external__SimpleVm_with_vgpu.ovf", "", "SimpleVm_with_vgpu cpu=1 mem=2048Mi fw=UEFI+SB"
                        + " disks=1 nics=2 gpus=[VGPU 'GRID A100-8C'] hostdevs=[] concerns=[DISK_IMAGE_MISSING]"),
                // a profile that is no NVIDIA name is kept as the key a gpus entry can name
                row("govmomi/external__pci-passthrough__vgpu__VM-PCI-VGPU.ovf", "", "VM-PCI-VGPU cpu=2 mem=512Mi"
                        + " fw=UEFI+SB disks=1 nics=1 gpus=[VGPU type=mockup-vmiop] hostdevs=[]"
                        + " concerns=[DISK_IMAGE_MISSING,GPU_TYPE_NAME_UNKNOWN]"),
                row("govmomi/external__vdg-vm.ovf", "", "vdg-vm cpu=1 mem=1024Mi fw=BIOS disks=0 nics=1"
                        + " gpus=[VGPU type=mockup-vmiop,VGPU type=mockup-vmiop] hostdevs=[]"
                        + " concerns=[GPU_TYPE_NAME_UNKNOWN,OVF_HARDWARE_DEFAULTED]"),
                // DVX: the vendor plugin's ids are no PCI ids
                row("govmomi/external__dvxPCIPassthrough.ovf", "", "dvx-pci-vm cpu=1 mem=1024Mi fw=BIOS disks=0"
                        + " nics=0 gpus=[] hostdevs=[PCI ?] concerns=[HOSTDEV_UNMAPPED,OVF_HARDWARE_DEFAULTED]"),
                row("govmomi/external__pci-passthrough__dvx__newVM-dvx1.ovf", "", "newVM-dvx3 cpu=1 mem=256Mi"
                        + " fw=BIOS disks=1 nics=0 gpus=[] hostdevs=[PCI ?]"
                        + " concerns=[DISK_IMAGE_MISSING,HOSTDEV_UNMAPPED]"),
                // Dynamic DirectPath: backing.allowedDevice 0x8086:0x10d3[:s=…:t=…:r=…]
                row("govmomi/external__pci-passthrough__ah__AH-VM-1.ovf", "", "AH-VM-1 cpu=1 mem=128Mi fw=BIOS"
                        + " disks=1 nics=1 gpus=[] hostdevs=[PCI 8086:10d3,PCI 8086:10d3]"
                        + " concerns=[DISK_IMAGE_MISSING,HOSTDEV_UNMAPPED]"),
                row("govmomi/external__pci-passthrough__ah__newVM-PCI-AH.ovf", "", "newVM-PCI-AH cpu=1 mem=1024Mi"
                        + " fw=UEFI+SB disks=1 nics=1 gpus=[] hostdevs=[PCI 8086:1572]"
                        + " concerns=[DISK_IMAGE_MISSING,HOSTDEV_UNMAPPED]"),
                // DirectPath: backing.vendorId signed decimal (-32634 = 8086, 5348 = 14e4), backing.deviceId hex
                row("govmomi/external__pci-passthrough__legacy__newVM-PCI-Legacy-2.ovf", "", "newVM-PCI-Legacy-2"
                        + " cpu=1 mem=1024Mi fw=UEFI+SB disks=1 nics=1 gpus=[]"
                        + " hostdevs=[PCI 8086:1572@0000:03:00.1,PCI 14e4:165f@0000:06:00.1]"
                        + " concerns=[DISK_IMAGE_MISSING,HOSTDEV_UNMAPPED]"),
                row("govmomi/external__pci-passthrough__legacy__pci-legacy-2-devices.ovf", "", "pci-legacy-2-devices"
                        + " cpu=1 mem=2048Mi fw=UEFI+SB disks=1 nics=1 gpus=[]"
                        + " hostdevs=[PCI 8086:10d3@0000:04:00.0,PCI 8086:10d3@0000:1b:00.0]"
                        + " concerns=[DISK_IMAGE_MISSING,HOSTDEV_UNMAPPED]"),
                // DeploymentOptionSection: ovf:default, or the configuration asked for
                row("govmomi/deployment-configs.ovf", "", "deployment-configs-vm cpu=8 mem=8192Mi fw=BIOS disks=3"
                        + " nics=1 gpus=[] hostdevs=[] concerns=[OVF_CONFIGURATION_CHOSEN,DISK_IMAGE_MISSING]"),
                row("govmomi/deployment-configs.ovf", "medium", "deployment-configs-vm cpu=4 mem=4096Mi fw=BIOS"
                        + " disks=2 nics=1 gpus=[] hostdevs=[] concerns=[OVF_CONFIGURATION_CHOSEN,DISK_IMAGE_MISSING]"),
                row("govmomi/deployment-configs.ovf", "small", "deployment-configs-vm cpu=2 mem=2048Mi fw=BIOS"
                        + " disks=1 nics=1 gpus=[] hostdevs=[] concerns=[OVF_CONFIGURATION_CHOSEN,DISK_IMAGE_MISSING]"),
                row("govmomi/vmware__nsx-unified-appliance-9.1.0.0.25262063.ovf", "", "nsx-unified-appliance cpu=6"
                        + " mem=24576Mi fw=BIOS disks=2 nics=1 gpus=[] hostdevs=[]"
                        + " concerns=[OVF_CONFIGURATION_CHOSEN,DISK_IMAGE_MISSING]"),
                row("govmomi/vmware__nsx-unified-appliance-9.1.0.0.25262063.ovf", "xlarge", "nsx-unified-appliance"
                        + " cpu=24 mem=98304Mi fw=BIOS disks=3 nics=1 gpus=[] hostdevs=[]"
                        + " concerns=[OVF_CONFIGURATION_CHOSEN,DISK_IMAGE_MISSING]"),
                // firmware and secure boot: secure boot counts with EFI firmware only
                row("govmomi/external__vbs__secure-boot-enabled-with-efi-firmware.ovf", "", "Nostalgia cpu=1"
                        + " mem=64Mi fw=UEFI+SB disks=0 nics=0 gpus=[] hostdevs=[] concerns=[]"),
                row("govmomi/external__vbs__secure-boot-disabled-with-efi-firmware.ovf", "", "Nostalgia cpu=1"
                        + " mem=64Mi fw=UEFI disks=0 nics=0 gpus=[] hostdevs=[] concerns=[]"),
                row("govmomi/external__vbs__secure-boot-enabled-with-bios-firmware.ovf", "", "Nostalgia cpu=1"
                        + " mem=64Mi fw=BIOS disks=0 nics=0 gpus=[] hostdevs=[] concerns=[]"),
                row("govmomi/external__vbs__secure-boot-enabled-without-firmware.ovf", "", "Nostalgia cpu=1"
                        + " mem=64Mi fw=BIOS disks=0 nics=0 gpus=[] hostdevs=[] concerns=[]"),
                // no CPU item / no CPU and memory items: the defaults are named, never silent
                row("govmomi/external__sriovEthernetCard.ovf", "", "sriov-vm cpu=1 mem=1024Mi fw=BIOS disks=0 nics=1"
                        + " gpus=[] hostdevs=[] concerns=[OVF_HARDWARE_DEFAULTED]"),
                row("cot/minimal.ovf", "", "x cpu=1 mem=1024Mi fw=BIOS disks=0 nics=0 gpus=[] hostdevs=[]"
                        + " concerns=[OVF_HARDWARE_DEFAULTED]"),
                // ovf:bound min/max items are ranges, not the VM's size
                row("govmomi/external__OVFToolTemplates__OVF__xmltestfiles__VirtualHardware_1_0__Pos__valid_bound.ovf",
                        "", "PTC01_VM cpu=1 mem=512Mi fw=BIOS disks=1 nics=0 gpus=[] hostdevs=[]"
                        + " concerns=[DISK_IMAGE_MISSING,OVF_HARDWARE_DEFAULTED]"),
                // OVF 0.9 (Content xsi:type="ovf:VirtualSystem_Type") from VMware is read VMware-style
                row("govmomi/external__OVFCerts__ValidCert__Nostalgia.ovf", "", "Nostalgia cpu=1 mem=16Mi fw=BIOS"
                        + " disks=1 nics=1 gpus=[] hostdevs=[] concerns=[DISK_IMAGE_MISSING]"),
                row("cot/v0.9.ovf", "", "v0.9 cpu=1 mem=8192Mi fw=BIOS disks=1 nics=1 gpus=[] hostdevs=[]"
                        + " concerns=[DISK_IMAGE_MISSING]"),
                row("cot/csr1000v.ovf", "", "Cisco CSR 1000V Cloud Services Router cpu=1 mem=4096Mi fw=BIOS disks=1"
                        + " nics=3 gpus=[] hostdevs=[] concerns=[OVF_CONFIGURATION_CHOSEN,DISK_IMAGE_MISSING]"),
                row("nova/vmwareapi__ovf.ovf", "", "Damn Small Linux cpu=1 mem=256Mi fw=BIOS disks=1 nics=1 gpus=[]"
                        + " hostdevs=[] concerns=[DISK_IMAGE_MISSING]"));
    }

    static Arguments row(String file, String configuration, String... vms) {
        return Arguments.of(file, configuration, List.of(vms));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("vms")
    void mapsEachVm(String file, String configuration, List<String> expected) {
        Path ovf = SharedDir.require("fixtures/real-2/ovf/" + file);
        List<Vm> vms = OvfMapper.map(SafeXml.parse(ovf), ovf.toString(), href -> Optional.empty(),
                Optional.of(configuration).filter(c -> !c.isEmpty()));
        assertThat(vms).extracting(OvfSummary::of).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of("govmomi/external__pci-passthrough__legacy__newVM-PCI-Legacy-2.ovf", "HOSTDEV_UNMAPPED",
                        "PCI device 'PCI device 0' (vmware.pci.passthrough) 8086:1572 at 0000:03:00.1 is passed"
                                + " through; add a hostDevices entry '8086:1572: <resource name>'"),
                Arguments.of("govmomi/external__dvxPCIPassthrough.ovf", "HOSTDEV_UNMAPPED", "the OVF gives no usable"
                        + " PCI vendor/device id (dvx.config.vendorId 'testVendorID', dvx.config.deviceId"
                        + " 'testDeviceID'), so no hostDevices or gpus entry can match it"),
                Arguments.of("govmomi/external__pci-passthrough__vgpu__VM-PCI-VGPU.ovf", "GPU_TYPE_NAME_UNKNOWN",
                        "has profile 'mockup-vmiop', which is not an NVIDIA profile name (grid_… or nvidia_…);"
                                + " add a gpus entry 'mockup-vmiop: nvidia.com/<resource>'"),
                Arguments.of("cot/minimal.ovf", "OVF_HARDWARE_DEFAULTED",
                        "VM x: the OVF has no CPU item (ResourceType 3); 1 vCPU is used"),
                Arguments.of("cot/minimal.ovf", "OVF_HARDWARE_DEFAULTED",
                        "VM x: the OVF has no memory item (ResourceType 4); 1 GiB is used"),
                Arguments.of("govmomi/vmware__nsx-unified-appliance-9.1.0.0.25262063.ovf", "OVF_CONFIGURATION_CHOSEN",
                        "the OVF offers the deployment configurations small, medium, large, xlarge; CPU, memory,"
                                + " disks and NICs are those of 'medium' (its default); pick another with"
                                + " --ovf-config NAME"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("messages")
    void concernsSayWhatWasReadAndWhatToDo(String file, String code, String says) {
        Path ovf = SharedDir.require("fixtures/real-2/ovf/" + file);
        List<Vm> vms = OvfMapper.map(SafeXml.parse(ovf), ovf.toString(), href -> Optional.empty());
        assertThat(vms.get(0).concerns()).filteredOn(c -> c.code().equals(code))
                .anySatisfy(c -> assertThat(c.message()).contains(says));
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("govmomi/empty.ovf", "describes no virtual machine (no VirtualSystem element)"),
                Arguments.of("govmomi/external__ImportOvf2014__empty_vsc.ovf", "describes no virtual machine"),
                Arguments.of("govmomi/external__DeleteHDTestdata__Sass_old__descriptor.ovf",
                        "is not an OVF descriptor: its root element is <HTML>, not <Envelope>"),
                Arguments.of("govmomi/external__jeos_corrupted.ovf", "malformed XML"),
                Arguments.of("glance-ova/testserver-not-tar.ova", "testserver-not-tar.ova"),
                Arguments.of("glance-ova/testserver-no-ovf.ova", "holds no .ovf descriptor"),
                Arguments.of("glance-ova/testserver-bad-ovf.ova", "testserver-bad-ovf.ova!illegal-xml.ovf"));
    }

    @Test
    void anUnknownConfigurationIsAnInputErrorListingTheOffered() {
        Path ovf = SharedDir.require("fixtures/real-2/ovf/govmomi/deployment-configs.ovf");
        assertThatThrownBy(() -> OvaSource.open(ovf, Optional.of("huge")).scan(VmSelector.ALL))
                .isInstanceOfSatisfying(KvMigrateException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("deployment-configs.ovf", "--ovf-config huge",
                            "it offers small, medium, large");
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aSingleFileThatIsNoUsableOvfIsAnInputError(String file, String reason) {
        Path f = SharedDir.require("fixtures/real-2/ovf/" + file);
        assertThatThrownBy(() -> OvaSource.open(f).scan(VmSelector.ALL))
                .isInstanceOfSatisfying(KvMigrateException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains(f.getFileName().toString()).contains(reason);
                });
    }
}
