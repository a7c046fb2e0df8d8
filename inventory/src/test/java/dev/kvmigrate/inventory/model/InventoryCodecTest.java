package dev.kvmigrate.inventory.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryCodecTest {

    /** A VM that sets every field, so a field lost on the way shows up as an inequality. */
    static Vm fullVm() {
        return new Vm("6a1f0c1e-1b7e-4f8a-9d0e-0c5a3f1e2b01", "cad-ws-01", "cad-ws-01",
                Optional.of("CAD workstation"), Optional.of("desc: with colon\nand newline"), PowerState.RUNNING,
                new Cpu(8, 12, new CpuTopology(1, 4, 2), Optional.of("host-passthrough"), Optional.of("Skylake"),
                        List.of(new VcpuPin(0, "0"), new VcpuPin(1, "1-3,^2")), Optional.of(1024)),
                new Memory(17179869184L, Optional.of(8589934592L), Optional.of(34359738368L), Optional.of(1L << 30),
                        Optional.of(1L << 30), Optional.of("strict"), Optional.of("0"), 2),
                new Firmware(BootMode.UEFI, true, Optional.of("/usr/share/OVMF/OVMF_CODE_4M.ms.fd"),
                        Optional.of("/var/lib/libvirt/qemu/nvram/cad-ws-01_VARS.fd"), Optional.of("pc-q35-7.2"),
                        "x86_64"),
                Optional.of("http://microsoft.com/win/11"),
                new Features(true, true, true, Map.of("relaxed", "on", "spinlocks", "8191")),
                new Clock("localtime", Optional.of("Europe/Berlin"), List.of("hypervclock")),
                List.of(new Disk("sda", DiskDevice.DISK, DiskSource.file("/var/lib/libvirt/images/cad-ws-01.qcow2"),
                                DiskFormat.QCOW2, Optional.of(120L << 30), Optional.of(41L << 30), DiskBus.SATA,
                                Optional.of(1), false, false, Optional.of("SER1"), Optional.of("root")),
                        new Disk("sdb", DiskDevice.CDROM, DiskSource.NONE, DiskFormat.RAW, Optional.empty(),
                                Optional.empty(), DiskBus.SATA, Optional.empty(), true, true, Optional.empty(),
                                Optional.empty()),
                        new Disk("vdb", DiskDevice.DISK, new DiskSource(DiskSourceType.NETWORK, "pool/image",
                                        Optional.of("mon1:6789"), Optional.of("rbd"), Optional.of("p"),
                                        Optional.of("v"), Optional.of("disk1.vmdk")),
                                DiskFormat.RAW, Optional.of(0L), Optional.empty(), DiskBus.VIRTIO, Optional.empty(),
                                false, false, Optional.empty(), Optional.empty())),
                List.of(new Nic(Optional.of("net0"), Optional.of("52:54:00:6a:10:01"), "e1000e", NicType.BRIDGE,
                        "br-eng", Optional.empty(), true),
                        new Nic(Optional.empty(), Optional.empty(), "virtio", NicType.DIRECT, "ens1f0",
                                Optional.of("bridge"), false)),
                List.of(new Gpu(GpuKind.VGPU, Optional.of("c2177883-f1bb-47f0-914d-32a22e3a8804"),
                                Optional.of("nvidia-230"), Optional.of("GRID T4-1Q"), Optional.of("0000:3b:00.0"),
                                Optional.of("0x10DE"), Optional.of("1eb8"), Optional.of("TU104GL [Tesla T4]"), true,
                                true, Optional.of("enable_uvm=1")),
                        new Gpu(GpuKind.PASSTHROUGH, Optional.empty(), Optional.empty(), Optional.empty(),
                                Optional.of("0000:ca:00.0"), Optional.of("10de"), Optional.of("2330"),
                                Optional.of("GH100 [H100 SXM5 80GB]"), false, false, Optional.empty()),
                        new Gpu(GpuKind.SRIOV_VGPU, Optional.empty(), Optional.empty(),
                                Optional.of("NVIDIA L40S-8Q"), Optional.of("0000:41:00.4"), Optional.of("10de"),
                                Optional.of("26b9"), Optional.of("AD102GL [L40S]"), false, false, Optional.empty(),
                                Optional.of("0000:41:00.0"))),
                List.of(new HostDevice(HostDeviceKind.PCI, Optional.of("0000:af:00.1"), Optional.of("8086"),
                        Optional.of("10c9"), Optional.of("Intel Corporation"), Optional.of("82576"),
                        Optional.of("0x020000")),
                        new HostDevice(HostDeviceKind.PCI, Optional.of("0000:ca:00.1"), Optional.of("10de"),
                                Optional.of("22a3"), Optional.empty(), Optional.empty(), Optional.of("0x040300"),
                                Optional.of("0000:ca:00.0"))),
                Optional.of(new Tpm("tpm-crb", "emulator", Optional.of("2.0"))),
                Optional.of(new Watchdog("i6300esb", "reset")),
                List.of("spice", "vnc"), List.of("qxl"),
                new Placement(Optional.of("prod"), Optional.of("host1"), true),
                Map.of("mdev_type", "nodisplay,nvidia-22", "b", "2"),
                3,
                List.of(new Concern(Severity.BLOCKER, "GPU_MDEV_MISSING", "VM x: gone", Optional.of("gpus[0]")),
                        new Concern(Severity.INFO, "DISPLAY_SPICE", "VM x: spice", Optional.empty())));
    }

    static Vm minimalVm() {
        return new Vm("1", "007", null, null, null, null, Cpu.simple(1), Memory.of(1 << 20),
                Firmware.bios(Optional.empty()), null, null, null, null, null, null, null, null, null, null, null,
                null, null, 0, null);
    }

    static Inventory inventory() {
        return Inventory.of(new SourceRef(SourceKind.LIBVIRT, "test:///default"),
                Optional.of("2026-11-23T03:00:00Z"), List.of(fullVm(), minimalVm()));
    }

    @Test
    void jsonRoundTripIsLossless() {
        Inventory inv = inventory();
        String json = InventoryCodec.write(inv, InventoryCodec.Format.JSON);
        assertThat(read(json)).isEqualTo(inv);
    }

    @Test
    void yamlRoundTripIsLossless() {
        Inventory inv = inventory();
        String yaml = InventoryCodec.write(inv, InventoryCodec.Format.YAML);
        assertThat(yaml).startsWith("apiVersion: kv-migrate.dev/v1alpha3\nkind: Inventory\n");
        assertThat(read(yaml)).isEqualTo(inv);
        // A numeric-looking name stays a string.
        assertThat(yaml).contains("name: \"007\"");
    }

    @Test
    void writingIsDeterministicAndOmitsEmptyValues() {
        String a = InventoryCodec.write(inventory(), InventoryCodec.Format.JSON);
        String b = InventoryCodec.write(read(a), InventoryCodec.Format.JSON);
        assertThat(b).isEqualTo(a);
        String minimal = InventoryCodec.write(Inventory.of(new SourceRef(SourceKind.XML_DUMP, "d"), Optional.empty(),
                List.of(minimalVm())), InventoryCodec.Format.JSON);
        assertThat(minimal).doesNotContain("null").doesNotContain("[ ]").doesNotContain("\"title\"");
        // map entries are sorted: b before mdev_type
        String full = InventoryCodec.write(inventory(), InventoryCodec.Format.JSON);
        assertThat(full.indexOf("\"b\"")).isLessThan(full.indexOf("\"mdev_type\""));
    }

    @Test
    void ids_areNormalised() {
        assertThat(fullVm().gpus().get(0).vendorId()).contains("10de");
        assertThat(fullVm().gpus().get(0).vendorDevice()).contains("10de:1eb8");
    }

    @Test
    void fileWriteIsAtomicAndReadable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("inv.yaml");
        InventoryCodec.write(inventory(), file);
        assertThat(Files.readString(file)).startsWith("apiVersion:");
        assertThat(InventoryCodec.read(file)).isEqualTo(inventory());
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void unknownFieldIsAnErrorNamingFileLineAndField() {
        String json = InventoryCodec.write(inventory(), InventoryCodec.Format.JSON)
                .replace("\"powerState\" : \"RUNNING\"", "\"powerState\" : \"RUNNING\", \"bogus\" : 1");
        assertThatThrownBy(() -> read(json))
                .isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("inv.json:")
                .hasMessageContaining("vms[0]")
                .hasMessageContaining("bogus")
                .satisfies(e -> assertThat(((KvMigrateException) e).exitCode()).isEqualTo(ExitCode.INVALID_INPUT));
    }

    @Test
    void invalidValueIsAnErrorNamingTheRule() {
        String json = InventoryCodec.write(inventory(), InventoryCodec.Format.JSON)
                .replace("\"vcpus\" : 8", "\"vcpus\" : 0");
        assertThatThrownBy(() -> read(json)).isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("vCPU count 0 must be at least 1");
    }

    @Test
    void wrongKindIsRefused() {
        assertThatThrownBy(() -> read("apiVersion: v1\nkind: ConfigMap\nsource: {kind: OVA, location: x}\n"))
                .isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("expected kv-migrate.dev/v1alpha3/Inventory");
        assertThatThrownBy(() -> read("")).isInstanceOf(KvMigrateException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> read("{ not json")).isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("inv.json:");
    }

    @Test
    void aV1alpha1InventoryIsReadWithItsConcernsInTodaysCodes() throws Exception {
        Inventory inv;
        try (var in = InventoryCodecTest.class.getResourceAsStream("inventory-v1alpha1.yaml")) {
            inv = InventoryCodec.read(in, "inventory-v1alpha1.yaml");
        }
        assertThat(inv.apiVersion()).isEqualTo(Inventory.API_VERSION).isEqualTo("kv-migrate.dev/v1alpha3");
        Vm vm = inv.vms().get(0);
        // Renamed codes carry the fact on; facts the converter now decides and reports itself are dropped; a code
        // the converter decides with the mappings is only a warning in the scan.
        assertThat(vm.concerns()).extracting(Concern::code, Concern::severity, c -> c.field().orElse("")).containsExactly(
                tuple("GPU_MDEV_MISSING", Severity.WARNING, "gpus[0]"),
                tuple("GPU_TYPE_NAME_UNKNOWN", Severity.WARNING, "gpus[1]"),
                tuple("HOSTDEV_UNMAPPED", Severity.WARNING, "hostDevices[0]"),
                tuple("HOSTDEV_UNMAPPED", Severity.WARNING, "hostDevices[1]"),
                tuple("USB_REDIRECTION", Severity.WARNING, "usb"),
                tuple("NVRAM_NOT_CARRIED", Severity.WARNING, "firmware.nvram"),
                tuple("DISK_SIZE_UNKNOWN", Severity.WARNING, "disks[0].virtualSize"),
                tuple("DISK_SOURCE_UNREADABLE", Severity.WARNING, "disks[1].source"),
                tuple("NIC_DIRECT", Severity.WARNING, "nics[0]"),
                tuple("CPU_SHARES", Severity.INFO, "cpu.shares"));
        assertThat(vm.concerns().get(0).message()).isEqualTo("VM Legacy_DB: vGPU mdev"
                + " deadbeef-0000-4000-8000-000000000005 is gone");
        // Everything but the concerns is read as it was.
        assertThat(vm.disks()).hasSize(3);
        assertThat(vm.hostDevices()).hasSize(4);
        assertThat(vm.firmware().machineType()).contains("pc-i440fx-7.2");
        // Only the current version is written.
        String yaml = InventoryCodec.write(inv, InventoryCodec.Format.YAML);
        assertThat(yaml).startsWith("apiVersion: kv-migrate.dev/v1alpha3\n").doesNotContain("MACHINE_I440FX");
        assertThat(read(yaml)).isEqualTo(inv);
    }

    @Test
    void aV1alpha2InventoryIsReadAsIsAndWrittenAsTheCurrentVersion() throws Exception {
        Inventory inv;
        try (var in = InventoryCodecTest.class.getResourceAsStream("inventory-v1alpha2.yaml")) {
            inv = InventoryCodec.read(in, "inventory-v1alpha2.yaml");
        }
        assertThat(inv.apiVersion()).isEqualTo(Inventory.API_VERSION).isEqualTo("kv-migrate.dev/v1alpha3");
        Vm vm = inv.vms().get(0);
        // The fields v1alpha3 added are absent: no physical function, no companion (a rescan marks it).
        assertThat(vm.gpus()).extracting(Gpu::kind).containsExactly(GpuKind.PASSTHROUGH, GpuKind.VGPU);
        assertThat(vm.gpus()).allMatch(g -> g.physFunction().isEmpty());
        assertThat(vm.gpus().get(1).mdevTypeName()).contains("GRID M60-8Q");
        assertThat(vm.hostDevices()).singleElement().satisfies(h -> {
            assertThat(h.vendorDevice()).contains("10de:0fbc");
            assertThat(h.companionOf()).isEmpty();
        });
        assertThat(vm.concerns()).extracting(Concern::code).containsExactly("HOSTDEV_UNMAPPED");
        String yaml = InventoryCodec.write(inv, InventoryCodec.Format.YAML);
        assertThat(yaml).startsWith("apiVersion: kv-migrate.dev/v1alpha3\n");
        assertThat(read(yaml)).isEqualTo(inv);
    }

    @Test
    void theV1alpha3FieldsAreWritten() {
        assertThat(InventoryCodec.write(inventory(), InventoryCodec.Format.YAML)).contains("kind: SRIOV_VGPU")
                .contains("physFunction: \"0000:41:00.0\"").contains("companionOf: 0000:ca:00.0");
    }

    @Test
    void pciAddressesOfDigitsOnlyAreQuotedSoThatYamlReadsThemBackAsStrings() {
        // YAML 1.1 reads a plain 0000:03:00.1 as a base-60 number.
        String yaml = InventoryCodec.write(inventory(), InventoryCodec.Format.YAML);
        assertThat(yaml).contains("pciAddress: \"0000:41:00.4\"").contains("pciAddress: 0000:ca:00.0");
        assertThat(read(yaml)).isEqualTo(inventory());
    }

    @Test
    void missingFileSaysHowToMakeIt(@TempDir Path dir) {
        assertThatThrownBy(() -> InventoryCodec.read(dir.resolve("nope.json")))
                .isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("does not exist")
                .hasMessageContaining("inventory scan");
    }

    private static Inventory read(String text) {
        return InventoryCodec.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "inv.json");
    }
}
