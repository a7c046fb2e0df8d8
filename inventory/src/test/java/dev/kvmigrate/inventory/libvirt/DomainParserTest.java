package dev.kvmigrate.inventory.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.DiskBus;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.DiskFormat;
import dev.kvmigrate.inventory.model.DiskSourceType;
import dev.kvmigrate.inventory.model.HostDeviceKind;
import dev.kvmigrate.inventory.model.NicType;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.xml.SafeXml;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DomainParserTest {

    static Vm parse(String body) {
        return DomainParser.parse(SafeXml.parse("<domain type='kvm'><name>t1</name>" + body + "</domain>", "t1.xml"),
                NodeDevices.NONE, "t1.xml");
    }

    static Vm parseWithMemory(String body) {
        return parse("<memory unit='MiB'>1024</memory>" + body);
    }

    static String codes(Vm vm) {
        return vm.concerns().stream().map(Concern::code).collect(Collectors.joining(","));
    }

    @ParameterizedTest(name = "{0} {1} = {2} bytes")
    @CsvSource({
        "1, b, 1", "1, bytes, 1", "1, KB, 1000", "1, k, 1024", "1, KiB, 1024", "1, MB, 1000000",
        "1, M, 1048576", "1, MiB, 1048576", "1, GB, 1000000000", "1, G, 1073741824", "1, GiB, 1073741824",
        "1, TB, 1000000000000", "1, T, 1099511627776", "1, TiB, 1099511627776", "2048, '', 2097152"
    })
    void memoryUnits(String value, String unit, long bytes) {
        String attr = unit.isEmpty() ? "" : " unit='" + unit + "'";
        Vm vm = parse("<memory" + attr + ">" + value + "</memory>");
        assertThat(vm.memory().bytes()).isEqualTo(bytes);
    }

    @Test
    void minimalDomainUsesLibvirtDefaults() {
        Vm vm = parseWithMemory("");
        assertThat(vm.cpu().vcpus()).isEqualTo(1);
        assertThat(vm.firmware().bootMode()).isEqualTo(BootMode.BIOS);
        assertThat(vm.firmware().arch()).isEqualTo("x86_64");
        assertThat(vm.powerState()).isEqualTo(PowerState.SHUTOFF);
        assertThat(vm.id()).isEqualTo("t1");
        assertThat(vm.concerns()).isEmpty();
    }

    @Test
    void runningDumpCarriesAnId() {
        Vm vm = DomainParser.parse(SafeXml.parse("<domain type='kvm' id='7'><name>r</name><memory>1024</memory>"
                + "</domain>", "r.xml"), NodeDevices.NONE, "r.xml");
        assertThat(vm.powerState()).isEqualTo(PowerState.RUNNING);
    }

    @Test
    void topologyFoldsDiesIntoSockets() {
        Vm vm = parseWithMemory("<vcpu current='8'>16</vcpu><cpu mode='custom'><model>Skylake-Server</model>"
                + "<topology sockets='2' dies='2' cores='2' threads='2'/></cpu>");
        assertThat(vm.cpu().topology().sockets()).isEqualTo(4);
        assertThat(vm.cpu().vcpus()).isEqualTo(8);
        assertThat(vm.cpu().maxVcpus()).isEqualTo(16);
        assertThat(vm.cpu().model()).contains("Skylake-Server");
    }

    @Test
    void loaderPathAndSecureAttributeMeanUefiSecureBoot() {
        Vm vm = parseWithMemory("<os><type arch='x86_64' machine='q35'>hvm</type>"
                + "<loader readonly='yes' secure='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.secboot.fd</loader>"
                + "<nvram>/var/lib/libvirt/qemu/nvram/t1_VARS.fd</nvram></os>");
        assertThat(vm.firmware().bootMode()).isEqualTo(BootMode.UEFI);
        assertThat(vm.firmware().secureBoot()).isTrue();
        assertThat(vm.firmware().nvram()).contains("/var/lib/libvirt/qemu/nvram/t1_VARS.fd");
    }

    @Test
    void efiAutoselectWithSecureBootFeatureOff() {
        Vm vm = parseWithMemory("<os firmware='efi'><type>hvm</type><firmware>"
                + "<feature enabled='no' name='secure-boot'/></firmware></os>");
        assertThat(vm.firmware().bootMode()).isEqualTo(BootMode.UEFI);
        assertThat(vm.firmware().secureBoot()).isFalse();
    }

    @Test
    void osHintFeaturesAndClock() {
        Vm vm = parseWithMemory("<metadata><libosinfo:libosinfo xmlns:libosinfo='http://libosinfo.org/xmlns/"
                + "libvirt/domain/1.0'><libosinfo:os id='http://microsoft.com/win/2k22'/></libosinfo:libosinfo>"
                + "</metadata><features><acpi/><hyperv><relaxed state='on'/><vendor_id state='on' value='KVM'/>"
                + "<synic state='off'/></hyperv><smm state='off'/></features>"
                + "<clock offset='timezone' timezone='Europe/Paris'><timer name='hpet' present='no'/>"
                + "<timer name='hypervclock' present='yes'/></clock>");
        assertThat(vm.os()).contains("http://microsoft.com/win/2k22");
        assertThat(vm.features().acpi()).isTrue();
        assertThat(vm.features().apic()).isFalse();
        assertThat(vm.features().smm()).isFalse();
        assertThat(vm.features().hyperv()).containsEntry("vendor_id", "KVM").containsEntry("synic", "off");
        assertThat(vm.clock().timezone()).contains("Europe/Paris");
        assertThat(vm.clock().timers()).containsExactly("hypervclock");
    }

    @Test
    void disksOfEveryKind() {
        Vm vm = parseWithMemory("<devices>"
                + "<disk type='block' device='lun'><source dev='/dev/sdz'/><target dev='sdb' bus='scsi'/></disk>"
                + "<disk type='network' device='disk'><driver type='raw'/><source protocol='iscsi' "
                + "name='iqn.2024-01.com.example:t/1'><host name='10.0.0.9' port='3260'/></source>"
                + "<target dev='vdb'/></disk>"
                + "<disk type='file' device='floppy'><source file='/f.img'/><target dev='fda'/></disk>"
                + "<disk type='file' device='cdrom'><driver type='raw'/><target dev='hdc' bus='ide'/><readonly/></disk>"
                + "<disk type='file' device='disk'><driver type='vpc'/><source file='/a.vhd'/><target dev='xvda'/></disk>"
                + "</devices>");
        assertThat(vm.disks()).extracting(d -> d.device()).containsExactly(DiskDevice.LUN, DiskDevice.DISK,
                DiskDevice.FLOPPY, DiskDevice.CDROM, DiskDevice.DISK);
        assertThat(vm.disks().get(0).source().type()).isEqualTo(DiskSourceType.BLOCK);
        assertThat(vm.disks().get(1).source().protocol()).contains("iscsi");
        assertThat(vm.disks().get(1).source().host()).contains("10.0.0.9:3260");
        assertThat(vm.disks().get(1).bus()).isEqualTo(DiskBus.VIRTIO);
        assertThat(vm.disks().get(2).bus()).isEqualTo(DiskBus.FDC);
        assertThat(vm.disks().get(3).source().type()).isEqualTo(DiskSourceType.NONE);
        assertThat(vm.disks().get(4).format()).isEqualTo(DiskFormat.VHD);
        assertThat(vm.disks().get(4).bus()).isEqualTo(DiskBus.XEN);
    }

    @Test
    void nicsOfEveryKind() {
        Vm vm = parseWithMemory("<devices>"
                + "<interface type='hostdev'><mac address='52:54:00:AB:CD:EF'/><source><address type='pci' "
                + "domain='0x0000' bus='0x3d' slot='0x02' function='0x1'/></source></interface>"
                + "<interface type='vhostuser'><source type='unix' path='/run/vhu.sock' mode='client'/>"
                + "<model type='virtio'/></interface>"
                + "<interface type='user'><model type='e1000'/></interface>"
                + "<interface type='ethernet'><target dev='tap7'/><model type='virtio'/></interface>"
                + "</devices>");
        assertThat(vm.nics()).extracting(n -> n.type()).containsExactly(NicType.HOSTDEV, NicType.VHOSTUSER,
                NicType.USER, NicType.OTHER);
        assertThat(vm.nics().get(0).network()).isEqualTo("0000:3d:02.1");
        assertThat(vm.nics().get(0).mac()).contains("52:54:00:ab:cd:ef");
        assertThat(vm.nics().get(1).network()).isEqualTo("/run/vhu.sock");
        assertThat(vm.nics().get(3).network()).isEqualTo("tap7");
    }

    @Test
    void scsiAndUsbByAddressHostdevs() {
        Vm vm = parseWithMemory("<devices><hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host0'/>"
                + "<address bus='0' target='0' unit='1'/></source></hostdev>"
                + "<hostdev mode='subsystem' type='usb'><source><address bus='1' device='4'/></source></hostdev>"
                + "</devices>");
        assertThat(vm.hostDevices()).extracting(h -> h.kind()).containsExactly(HostDeviceKind.SCSI,
                HostDeviceKind.USB);
        assertThat(vm.hostDevices().get(0).address()).contains("scsi_host0:0:0:1");
        assertThat(vm.hostDevices().get(1).address()).contains("1.4");
    }

    @Test
    void oddValuesBecomePartialConcernsNotExceptions() {
        Vm vm = parseWithMemory("<vcpu current='many'>4</vcpu><cpu><topology sockets='0' cores='2' threads='1'/>"
                + "</cpu><cputune><vcpupin vcpu='x' cpuset='1'/><shares>lots</shares></cputune>"
                + "<currentMemory unit='parsecs'>5</currentMemory>"
                + "<memoryBacking><hugepages><page size='-2' unit='M'/></hugepages></memoryBacking>"
                + "<devices><disk type='dir' device='disk'><source dir='/srv/x'/></disk>"
                + "<disk type='file'><source file='/y.img'/><target dev='vdb'/><boot order='zero'/></disk>"
                + "<hostdev mode='subsystem' type='mdev'><source/></hostdev>"
                + "<hostdev mode='subsystem' type='pci'><source><address bus='zz' slot='0'/></source></hostdev>"
                + "</devices>");
        assertThat(vm.cpu().vcpus()).isEqualTo(4);
        assertThat(vm.cpu().topology().vcpus()).isEqualTo(4);
        assertThat(vm.cpu().pinning()).isEmpty();
        assertThat(vm.memory().currentBytes()).isEmpty();
        assertThat(vm.memory().hugepageBytes()).isEmpty();
        assertThat(vm.disks()).hasSize(2);
        assertThat(vm.disks().get(0).target()).isEqualTo("disk0");
        assertThat(vm.disks().get(1).bootOrder()).isEmpty();
        assertThat(vm.gpus()).isEmpty();
        assertThat(vm.hostDevices()).isEmpty();
        assertThat(vm.concerns()).filteredOn(c -> c.code().equals("SOURCE_PARSE_PARTIAL")).hasSizeGreaterThanOrEqualTo(10)
                .allSatisfy(c -> assertThat(c.message()).startsWith("VM t1: ").contains("t1.xml"));
    }

    @Test
    void absurdValuesAreInvalidInputNamingFileAndField() {
        assertInvalid("<memory unit='KiB'>-512</memory>", "<memory>", "negative");
        assertInvalid("<memory>0</memory>", "<memory>", "is 0");
        assertInvalid("<memory unit='KiB'>99999999999999999999</memory>", "<memory>", "not a whole number");
        assertInvalid("<memory unit='EiB'>99999</memory>", "<memory>", "unknown unit");
        assertInvalid("<memory unit='TiB'>9999999999</memory>", "<memory>", "too large");
        assertInvalid("<memory>1024</memory><vcpu>0</vcpu>", "<vcpu>", "'0'");
        assertInvalid("<vcpu>2</vcpu>", "<memory>", "missing");
    }

    private static void assertInvalid(String body, String field, String why) {
        assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(KvMigrateException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
                .hasMessageStartingWith("t1.xml: VM t1: " + field).hasMessageContaining(why);
    }

    @Test
    void numaCellsGiveMemoryWhenMemoryIsAbsent() {
        Vm vm = parse("<cpu><numa><cell id='0' cpus='0-1' memory='1' unit='GiB'/><cell id='1' cpus='2-3' "
                + "memory='1048576'/></numa></cpu>");
        assertThat(vm.memory().bytes()).isEqualTo(2L << 30);
        assertThat(vm.memory().guestNumaNodes()).isEqualTo(2);
    }

    @Test
    void entityExpansionIsRefusedByTheReader() {
        String bomb = "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;'>]>"
                + "<domain><name>&b;</name><memory>1</memory></domain>";
        assertThatThrownBy(() -> SafeXml.parse(bomb, "bomb.xml")).isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("bomb.xml").hasMessageContaining("DOCTYPE");
    }

    @Test
    void notADomainIsRefused() {
        assertThatThrownBy(() -> DomainParser.parse(SafeXml.parse("<network><name>n</name></network>", "n.xml"),
                NodeDevices.NONE, "n.xml")).hasMessageContaining("n.xml: root element is <network>");
    }
}
