package dev.kvmigrate.converter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.converter.mapping.MappingsReader;
import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Clock;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Cpu;
import dev.kvmigrate.inventory.model.CpuTopology;
import dev.kvmigrate.inventory.model.DiskBus;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.Features;
import dev.kvmigrate.inventory.model.Firmware;
import dev.kvmigrate.inventory.model.Memory;
import dev.kvmigrate.inventory.model.Nic;
import dev.kvmigrate.inventory.model.NicType;
import dev.kvmigrate.inventory.model.Placement;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.inventory.model.VcpuPin;
import dev.kvmigrate.inventory.model.Vm;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Table tests, one per mapping rule of issue 4. */
class MappingRulesTest {
    static final Vm BASE = VmFixtures.vm("base").v();

    @ParameterizedTest
    @CsvSource({"web_01,web-01", "Web.Server,web-server", "ok,ok", "__,vm"})
    void namesAreUniqueRfc1123Labels(String source, String expected) {
        Set<String> taken = new HashSet<>();
        String first = Converter.unique(dev.kvmigrate.inventory.concern.KubernetesName.of(source), taken);
        String second = Converter.unique(dev.kvmigrate.inventory.concern.KubernetesName.of(source), taken);
        assertThat(first).isEqualTo(expected);
        assertThat(second).isEqualTo(expected + "-2");
    }

    @Test
    void uniqueNamesStayWithin63Characters() {
        Set<String> taken = new HashSet<>();
        String base = "a".repeat(63);
        Converter.unique(base, taken);
        assertThat(Converter.unique(base, taken)).hasSize(63).endsWith("-2");
    }

    @ParameterizedTest
    @CsvSource({"SHUTOFF,false,Halted", "RUNNING,false,Always", "SHUTOFF,true,Always", "PAUSED,false,Halted"})
    void runStrategy(PowerState state, boolean ha, String expected) {
        Vm vm = new Vm("1", "a", null, null, null, state, Cpu.simple(1), Memory.of(1 << 30),
                Firmware.bios(Optional.empty()), null, null, null, null, null, null, null, null, null, null, null,
                new Placement(Optional.empty(), Optional.empty(), ha), null, 0, null);
        assertThat(VmConverter.runStrategy(vm)).isEqualTo(expected);
    }

    @Test
    void cpuTopologyPinningAndNuma() {
        Cpu pinned = new Cpu(16, 16, new CpuTopology(2, 4, 2), Optional.of("host-passthrough"), Optional.empty(),
                List.of(new VcpuPin(0, "0")), Optional.empty());
        Memory hp = new Memory(1L << 30, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(1L << 30),
                Optional.of("strict"), Optional.empty(), 0);
        assertThat(DomainMapping.cpu(pinned, hp).toString()).isEqualTo("{\"sockets\":2,\"cores\":4,\"threads\":2,"
                + "\"model\":\"host-passthrough\",\"dedicatedCpuPlacement\":true,\"numa\":{\"guestMappingPassthrough\":{}}}");
        assertThat(DomainMapping.cpu(Cpu.simple(3), Memory.of(1 << 30)).toString())
                .isEqualTo("{\"sockets\":1,\"cores\":3,\"threads\":1}");
    }

    @ParameterizedTest
    @CsvSource({"2097152,2Mi,HUGEPAGES", "1073741824,1Gi,HUGEPAGES", "16777216,,HUGEPAGES_DROPPED"})
    void hugepages(long page, String expected, String code) {
        List<Concern> out = new ArrayList<>();
        Memory m = new Memory(4L << 30, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(page),
                Optional.empty(), Optional.empty(), 0);
        ObjectNode n = DomainMapping.memory(m, "a", out::add);
        assertThat(n.path("guest").asText()).isEqualTo("4Gi");
        assertThat(n.path("hugepages").path("pageSize").asText(null)).isEqualTo(expected);
        assertThat(out).extracting(Concern::code).containsExactly(code);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "BIOS|false|false||{\"bios\":{}}|0",
        "UEFI|false|false||{\"efi\":{\"secureBoot\":false}}|0",
        "UEFI|true|true||{\"efi\":{\"secureBoot\":true}}|0",
        "UEFI|true|false||{\"efi\":{\"secureBoot\":false}}|1",
        "UEFI|true|true|/var/nvram.fd|{\"efi\":{\"secureBoot\":true,\"persistent\":true}}|0"
    })
    void firmware(BootMode mode, boolean secure, boolean smm, String nvram, String bootloader, int concerns) {
        Vm vm = new Vm("not-a-uuid", "a", null, null, null, null, Cpu.simple(1), Memory.of(1 << 30),
                new Firmware(mode, secure, Optional.empty(), Optional.ofNullable(nvram), Optional.empty(), null),
                null, new Features(false, false, smm, Map.of()), null, null, null, null, null, null, null, null,
                null, null, null, 0, null);
        List<Concern> out = new ArrayList<>();
        ObjectNode fw = DomainMapping.firmware(vm, out::add);
        assertThat(fw.path("bootloader").toString()).isEqualTo(bootloader);
        assertThat(fw.has("uuid")).isFalse();
        assertThat(out).hasSize(concerns);
        assertThat(DomainMapping.features(vm, fw.path("bootloader").path("efi").path("secureBoot").asBoolean())
                .map(f -> f.has("smm")).orElse(false)).isEqualTo(smm || secure && smm);
    }

    @ParameterizedTest
    @CsvSource({"pc-q35-7.2,0,", "pc-i440fx-7.2,1,machine type pc-i440fx-7.2 becomes q35", "q35_ovmf,0,",
        "i440fx_sea_bios,1,machine type i440fx_sea_bios", "vmx-21,1,VMware virtual hardware vmx-21 becomes q35",
        "virtualbox-2.2,1,VirtualBox platform virtualbox-2.2 becomes q35"})
    void machineIsAlwaysQ35(String machine, int concerns, String says) {
        Vm vm = new Vm("1", "a", null, null, null, null, Cpu.simple(1), Memory.of(1 << 30),
                Firmware.bios(Optional.of(machine)), null, null, null, null, null, null, null, null, null, null,
                null, null, null, 0, null);
        List<Concern> out = new ArrayList<>();
        assertThat(DomainMapping.machine(vm, out::add).toString()).isEqualTo("{\"type\":\"q35\"}");
        assertThat(out).hasSize(concerns);
        if (says != null) {
            assertThat(out.get(0).message()).contains(says);
        }
    }

    @ParameterizedTest
    @CsvSource({"DISK,VIRTIO,virtio", "DISK,SATA,sata", "DISK,SCSI,scsi", "DISK,IDE,sata", "DISK,USB,usb",
        "DISK,XEN,virtio", "DISK,NVME,virtio", "CDROM,IDE,sata", "CDROM,SCSI,scsi", "CDROM,SATA,sata"})
    void diskBus(DiskDevice device, DiskBus bus, String expected) {
        assertThat(DiskMapping.bus(device, bus)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"10737418240,,10836Mi", "10737418240,Filesystem,10836Mi", "10737418240,Block,10Gi",
        "1,Block,1Mi", "1000000,,2Mi", "128849018880,,130032Mi"})
    void volumeSizeHasFilesystemHeadroom(long virtual, String mode, String expected) {
        long bytes = DiskMapping.requestBytes(virtual, Optional.ofNullable(mode));
        assertThat(Quantity.format(bytes)).isEqualTo(expected);
        if (mode == null) {
            assertThat(bytes * 0.945).isGreaterThanOrEqualTo((double) virtual);
        }
    }

    @ParameterizedTest
    @CsvSource({"virtio,virtio", "e1000,e1000", "e1000e,e1000e", "rtl8139,rtl8139", "pv,virtio", "vmxnet3,"})
    void nicModels(String source, String expected) {
        assertThat(NetworkMapping.model(source)).isEqualTo(Optional.ofNullable(expected));
    }

    @Test
    void networksMapToPodBridgeAndSriovKeepingMacs() {
        Mappings map = MappingsReader.parse("""
                networks:
                  lan: {type: bridge, nad: ns/lan}
                  vf: {type: sriov, nad: ns/vf}
                """, "m");
        List<Nic> nics = List.of(
                new Nic(Optional.empty(), Optional.of("52:54:00:00:00:01"), "virtio", NicType.NETWORK, "default",
                        Optional.empty(), true),
                new Nic(Optional.empty(), Optional.of("52:54:00:00:00:02"), "e1000", NicType.BRIDGE, "lan",
                        Optional.empty(), true),
                new Nic(Optional.empty(), Optional.of("52:54:00:00:00:03"), "virtio", NicType.HOSTDEV, "vf",
                        Optional.empty(), true),
                new Nic(Optional.empty(), Optional.empty(), "virtio", NicType.NETWORK, "other", Optional.empty(),
                        true));
        Vm vm = new Vm("1", "a", null, null, null, null, Cpu.simple(1), Memory.of(1 << 30),
                Firmware.bios(Optional.empty()), null, null, null, null, nics, null, null, null, null, null, null,
                null, null, 0, null);
        List<Concern> out = new ArrayList<>();
        NetworkMapping.Networks n = NetworkMapping.map(vm, map, true, GuestReadiness.Decision.VIRTIO, out::add);
        assertThat(n.interfaces().toString()).isEqualTo("[{\"name\":\"nic0\",\"model\":\"virtio\",\"macAddress\":"
                + "\"52:54:00:00:00:01\",\"masquerade\":{}},{\"name\":\"nic1\",\"model\":\"e1000\",\"macAddress\":"
                + "\"52:54:00:00:00:02\",\"bridge\":{}},{\"name\":\"nic2\",\"macAddress\":\"52:54:00:00:00:03\","
                + "\"sriov\":{}}]");
        assertThat(n.networks().toString()).isEqualTo("[{\"name\":\"nic0\",\"pod\":{}},{\"name\":\"nic1\","
                + "\"multus\":{\"networkName\":\"ns/lan\"}},{\"name\":\"nic2\",\"multus\":{\"networkName\":\"ns/vf\"}}]");
        assertThat(out).extracting(Concern::code).containsExactly("NETWORK_POD_DEFAULT", "NETWORK_UNMAPPED");
    }

    @Test
    void windowsGetsHypervClockAndPersistentTpm() {
        Vm win = new Vm("1", "w", null, null, null, null, Cpu.simple(2), Memory.of(4L << 30),
                new Firmware(BootMode.UEFI, false, Optional.empty(), Optional.empty(), Optional.empty(), null),
                Optional.of("http://microsoft.com/win/10"), null, new Clock("utc", Optional.empty(), List.of()),
                null, null, null, null, null, null, null, null, null, null, 0, null);
        ObjectNode f = DomainMapping.features(win, false).orElseThrow();
        assertThat(f.path("hyperv").fieldNames()).toIterable().contains("relaxed", "vapic", "spinlocks", "synic");
        assertThat(DomainMapping.clock(win, c -> { }).toString())
                .isEqualTo("{\"utc\":{},\"timer\":{\"hyperv\":{\"present\":true}}}");
        MigrationUnit c = VmConverter.convert(win, "w", new dev.kvmigrate.inventory.model.SourceRef(
                dev.kvmigrate.inventory.model.SourceKind.OVA, "x.ova"), Mappings.NONE, ConvertOptions.DEFAULTS, VmOverrides.NONE,
                dev.kvmigrate.converter.mapping.InstancetypeChoice.NONE, s -> s);
        assertThat(c.objects().get(0).tree().toString()).contains("\"tpm\":{\"persistent\":true}");
        assertThat(c.concerns()).extracting(Concern::code).contains("TPM_ADDED");
        assertThat(c.persistentState()).isTrue();
    }

    @Test
    void instancetypeReferenceLeavesSizingOut() {
        Mappings map = MappingsReader.parse("instancetypes:\n  default: {instancetype: u1.large, preference: p}\n",
                "m");
        MigrationUnit c = VmConverter.convert(BASE, "base", new dev.kvmigrate.inventory.model.SourceRef(
                dev.kvmigrate.inventory.model.SourceKind.OVA, "x.ova"), map, ConvertOptions.DEFAULTS, VmOverrides.NONE,
                map.instancetypes().forVm("base"), s -> s);
        ObjectNode spec = (ObjectNode) c.objects().get(0).tree().path("spec");
        assertThat(spec.path("instancetype").toString())
                .isEqualTo("{\"kind\":\"VirtualMachineClusterInstancetype\",\"name\":\"u1.large\"}");
        assertThat(spec.path("preference").path("name").asText()).isEqualTo("p");
        assertThat(spec.path("template").path("spec").path("domain").has("cpu")).isFalse();
        assertThat(spec.path("template").path("spec").path("domain").has("memory")).isFalse();
    }

    @Test
    void emittedInstancetypesAreSharedPerShape() {
        dev.kvmigrate.inventory.model.Inventory inv = dev.kvmigrate.inventory.model.Inventory.of(
                new dev.kvmigrate.inventory.model.SourceRef(dev.kvmigrate.inventory.model.SourceKind.OVA, "x"),
                Optional.empty(), List.of(VmFixtures.vm("a").v(), VmFixtures.vm("b").v()));
        ConversionResult r = Converter.convert(inv, dev.kvmigrate.inventory.VmSelector.ALL, Mappings.NONE,
                new ConvertOptions(Optional.empty(), Optional.empty(), Optional.empty(), true));
        assertThat(r.shared()).extracting(Manifest::fileName).containsExactly(
                "virtualmachineinstancetype-kvm-2c-2gi.yaml", "virtualmachinepreference-kvm-bios.yaml");
        assertThat(r.manifests()).filteredOn(m -> m.kind().equals("VirtualMachine"))
                .allMatch(m -> m.tree().path("spec").path("instancetype").path("name").asText()
                        .equals("kvm-2c-2gi"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "OVIRT_IMAGE|false|false|{\"upload\":{}}",
        "OVIRT_IMAGE|false|true|{\"imageio\":{\"url\":\"https://engine/ovirt-engine/api\",\"diskId\":\"d-1\",\"secretRef\":\"engine-creds\",\"certConfigMap\":\"engine-ca\"}}",
        "FILE|false|true|{\"upload\":{}}",
        "FILE|true|false|{\"upload\":{}}",
        "OVIRT_IMAGE|true|true|{\"blank\":{}}"
    })
    void dataVolumeSource(dev.kvmigrate.inventory.model.DiskSourceType type, boolean blank, boolean imageio,
            String expected) {
        dev.kvmigrate.inventory.model.Disk disk = new dev.kvmigrate.inventory.model.Disk("vda", DiskDevice.DISK,
                new dev.kvmigrate.inventory.model.DiskSource(type, "d-1", Optional.of("sd1"), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty()),
                dev.kvmigrate.inventory.model.DiskFormat.QCOW2, Optional.of(10L << 30), Optional.empty(),
                DiskBus.VIRTIO, Optional.empty(), false, false, Optional.empty(), Optional.empty());
        Vm vm = new Vm("1", "a", null, null, null, null, Cpu.simple(1), Memory.of(1 << 30),
                Firmware.bios(Optional.empty()), null, null, null, List.of(disk), null, null, null, null, null, null,
                null, null, null, 0, null);
        Mappings map = MappingsReader.parse(blank ? "storage:\n  pools:\n    sd1: {blank: true}\n" : "", "m");
        ConvertOptions options = new ConvertOptions(Optional.empty(), Optional.empty(), imageio
                ? Optional.of(new ConvertOptions.Imageio("https://engine/ovirt-engine/api", "engine-creds",
                        Optional.of("engine-ca"))) : Optional.empty(), false);
        List<Concern> out = new ArrayList<>();
        DiskMapping.Disks d = DiskMapping.map(vm, new dev.kvmigrate.inventory.model.SourceRef(
                dev.kvmigrate.inventory.model.SourceKind.OVIRT, "https://engine/ovirt-engine/api"), "a",
                Optional.empty(), map, options, Optional.empty(),
                dev.kvmigrate.converter.storage.StorageChoice.RwxWanted.NO, x -> x, Map.of(),
                GuestReadiness.Decision.VIRTIO, out::add);
        assertThat(d.transfers().get(0).manifest().tree().path("spec").path("source").toString())
                .isEqualTo(expected);
        assertThat(d.disks().get(0).path("bootOrder").asInt()).isEqualTo(1);
        assertThat(out).isEmpty();
    }
}
