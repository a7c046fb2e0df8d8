package dev.kvmigrate.inventory.concern;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Clock;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Cpu;
import dev.kvmigrate.inventory.model.CpuTopology;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskBus;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.DiskFormat;
import dev.kvmigrate.inventory.model.DiskSource;
import dev.kvmigrate.inventory.model.DiskSourceType;
import dev.kvmigrate.inventory.model.Features;
import dev.kvmigrate.inventory.model.Firmware;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.HostDevice;
import dev.kvmigrate.inventory.model.HostDeviceKind;
import dev.kvmigrate.inventory.model.Memory;
import dev.kvmigrate.inventory.model.Nic;
import dev.kvmigrate.inventory.model.NicType;
import dev.kvmigrate.inventory.model.Placement;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.inventory.model.Tpm;
import dev.kvmigrate.inventory.model.VcpuPin;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.model.Watchdog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each rule, one row: a change to a clean VM and the code it must raise (and a clean VM raises nothing). */
class ModelRulesTest {
    private static final Optional<String> NONE = Optional.empty();

    /** A VM that migrates without a single concern. */
    static Vm clean() {
        return vm(b -> b);
    }

    /** Mutable stand-in for the record's fields, so each row changes one thing. */
    static final class B {
        String name = "web-01";
        PowerState state = PowerState.SHUTOFF;
        Cpu cpu = Cpu.simple(2);
        Memory memory = Memory.of(4L << 30);
        Firmware firmware = Firmware.bios(Optional.of("pc-q35-7.2"));
        List<Disk> disks = new ArrayList<>(List.of(disk("vda", DiskBus.VIRTIO, DiskSource.file("/img/web.qcow2"))));
        List<Nic> nics = new ArrayList<>(List.of(nic("virtio", NicType.NETWORK, true)));
        List<Gpu> gpus = new ArrayList<>();
        List<HostDevice> hostDevices = new ArrayList<>();
        Optional<Tpm> tpm = Optional.empty();
        Optional<Watchdog> watchdog = Optional.empty();
        List<String> graphics = new ArrayList<>(List.of("vnc"));
        Placement placement = Placement.NONE;
        int snapshots;
    }

    static Vm vm(UnaryOperator<B> change) {
        B b = change.apply(new B());
        return new Vm("id-1", b.name, b.name, NONE, NONE, b.state, b.cpu, b.memory, b.firmware, NONE, Features.NONE,
                Clock.UTC, b.disks, b.nics, b.gpus, b.hostDevices, b.tpm, b.watchdog, b.graphics, List.of(),
                b.placement, Map.of(), b.snapshots, List.of());
    }

    static Disk disk(String target, DiskBus bus, DiskSource source) {
        return new Disk(target, DiskDevice.DISK, source, DiskFormat.QCOW2, Optional.of(10L << 30),
                Optional.of(1L << 30), bus, Optional.of(1), false, false, NONE, NONE);
    }

    static Nic nic(String model, NicType type, boolean plugged) {
        return new Nic(NONE, Optional.of("52:54:00:00:00:01"), model, type, "default", NONE, plugged);
    }

    static Gpu vgpu(Optional<String> type, Optional<String> name, boolean ramfb) {
        return new Gpu(GpuKind.VGPU, Optional.of("c2177883-f1bb-47f0-914d-32a22e3a8804"), type, name,
                Optional.of("0000:3b:00.0"), Optional.of("10de"), Optional.of("1eb8"), NONE, true, ramfb, NONE);
    }

    static HostDevice host(HostDeviceKind kind) {
        return new HostDevice(kind, Optional.of("0000:81:00.1"), NONE, NONE, NONE, NONE, NONE);
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                row("GPU_MDEV_MISSING", b -> add(b.gpus, vgpu(NONE, NONE, false), b)),
                row("GPU_TYPE_NAME_UNKNOWN", b -> add(b.gpus, vgpu(Optional.of("nvidia-999"), NONE, false), b)),
                row("GPU_PRODUCT_UNKNOWN", b -> add(b.gpus, new Gpu(GpuKind.PASSTHROUGH, NONE, NONE, NONE,
                        Optional.of("0000:ca:00.0"), Optional.of("10de"), Optional.of("2ffe"), NONE, false, false,
                        NONE), b)),
                row("HOSTDEV_UNMAPPED", b -> add(b.hostDevices, host(HostDeviceKind.PCI), b)),
                row("HOSTDEV_UNMAPPED", b -> add(b.hostDevices, host(HostDeviceKind.MDEV), b)),
                row("ARCH_UNSUPPORTED", b -> set(b, () -> b.firmware = new Firmware(BootMode.UEFI, false, NONE, NONE,
                        Optional.of("virt"), "aarch64"))),
                row("NVRAM_NOT_CARRIED", b -> set(b, () -> b.firmware = new Firmware(BootMode.UEFI, true, NONE, NONE,
                        Optional.of("q35"), "x86_64"))),
                row("NVRAM_NOT_CARRIED", b -> set(b, () -> b.firmware = new Firmware(BootMode.UEFI,
                        false, NONE, Optional.of("/var/lib/nvram/x.fd"), Optional.of("q35"), "x86_64"))),
                row("TPM_STATE_NOT_CARRIED", b -> set(b, () -> b.tpm = Optional.of(new Tpm("tpm-crb", "emulator",
                        Optional.of("2.0"))))),
                row("DISPLAY_SPICE", b -> add(b.graphics, "spice", b)),
                row("HIGH_AVAILABILITY", b -> set(b, () -> b.placement = new Placement(NONE, NONE, true))),
                row("CPU_HOST_PASSTHROUGH", b -> set(b, () -> b.cpu = cpu(Optional.of("host-passthrough"), NONE,
                        List.of(), Optional.empty()))),
                row("CPU_CUSTOM_MODEL", b -> set(b, () -> b.cpu = cpu(Optional.of("custom"),
                        Optional.of("Skylake-Server"), List.of(), Optional.empty()))),
                row("CPU_PINNED", b -> set(b, () -> b.cpu = cpu(NONE, NONE, List.of(new VcpuPin(0, "3")), Optional.empty()))),
                row("CPU_SHARES", b -> set(b, () -> b.cpu = cpu(NONE, NONE, List.of(), Optional.of(2048)))),
                row("NUMA_TUNED", b -> set(b, () -> b.memory = new Memory(4L << 30, Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.of("strict"), Optional.of("0"), 0))),
                row("NUMA_TUNED", b -> set(b, () -> b.memory = new Memory(4L << 30, Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 2))),
                row("DISK_SHAREABLE", b -> replaceDisk(b, new Disk("vdb", DiskDevice.DISK, DiskSource.file("/q.img"),
                        DiskFormat.RAW, Optional.of(1L << 30), Optional.empty(), DiskBus.VIRTIO, Optional.empty(),
                        false, true, NONE, NONE))),
                row("DISK_SOURCE_UNREADABLE", b -> replaceDisk(b, disk("vdb", DiskBus.VIRTIO, new DiskSource(
                        DiskSourceType.NETWORK, "pool/img", Optional.of("ceph:6789"), Optional.of("rbd"), NONE, NONE,
                        NONE)))),
                row("DISK_SIZE_UNKNOWN", b -> replaceDisk(b, disk("vda", DiskBus.VIRTIO, DiskSource.file("/a.qcow2"))
                        .withSizes(Optional.empty(), Optional.empty()))),
                row("DISK_SIZE_UNKNOWN", b -> replaceDisk(b, disk("vda", DiskBus.VIRTIO, DiskSource.file("/a.qcow2"))
                        .withSizes(Optional.of(0L), Optional.empty()))),
                row("DISK_FORMAT_UNKNOWN", b -> replaceDisk(b, new Disk("vda", DiskDevice.DISK,
                        DiskSource.file("/a"), DiskFormat.UNKNOWN, Optional.of(1L << 30), Optional.empty(),
                        DiskBus.VIRTIO, Optional.empty(), false, false, NONE, NONE))),
                row("NIC_DIRECT", b -> replaceNic(b, nic("virtio", NicType.DIRECT, true))),
                row("NIC_HOSTDEV", b -> replaceNic(b, nic("virtio", NicType.HOSTDEV, true))),
                row("NIC_VHOSTUSER", b -> replaceNic(b, nic("virtio", NicType.VHOSTUSER, true))),
                row("NIC_UNPLUGGED", b -> replaceNic(b, nic("virtio", NicType.NETWORK, false))),
                row("VM_RUNNING", b -> set(b, () -> b.state = PowerState.RUNNING)),
                row("VM_RUNNING", b -> set(b, () -> b.state = PowerState.PAUSED)),
                row("SNAPSHOTS_PRESENT", b -> set(b, () -> b.snapshots = 3)));
    }

    /** What the target changes or leaves out: the converter decides and reports these, the scan says nothing. */
    static Stream<Arguments> decidedByTheConverter() {
        return Stream.of(
                row("GPU_RAMFB_DROPPED", b -> {
                    b.gpus.add(vgpu(Optional.of("nvidia-230"), Optional.of("GRID T4-1Q"), true));
                    b.gpus.add(vgpu(Optional.of("nvidia-230"), Optional.of("GRID T4-1Q"), true));
                    return b;
                }),
                row("HOSTDEV_DROPPED", b -> add(b.hostDevices, host(HostDeviceKind.USB), b)),
                row("HOSTDEV_DROPPED", b -> add(b.hostDevices, host(HostDeviceKind.SCSI), b)),
                row("MACHINE_CHANGED", b -> set(b, () -> b.firmware = Firmware.bios(Optional.of("pc-i440fx-7.2")))),
                row("MACHINE_CHANGED", b -> set(b, () -> b.firmware = Firmware.bios(Optional.of("pc")))),
                row("WATCHDOG_DROPPED", b -> set(b, () -> b.watchdog = Optional.of(new Watchdog("itco", "reset")))),
                row("HUGEPAGES", b -> set(b, () -> b.memory = new Memory(4L << 30, Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.of(2L << 20), Optional.empty(), Optional.empty(), 0))),
                row("DISK_BUS_CHANGED", b -> replaceDisk(b, disk("hda", DiskBus.IDE, DiskSource.file("/i.qcow2")))),
                row("DISK_BUS_CHANGED", b -> replaceDisk(b, disk("xvda", DiskBus.XEN, DiskSource.file("/i.qcow2")))),
                row("DISK_LUN", b -> replaceDisk(b, new Disk("sdb", DiskDevice.LUN, new DiskSource(DiskSourceType.BLOCK,
                        "/dev/sdx", NONE, NONE, NONE, NONE, NONE), DiskFormat.RAW, Optional.of(1L << 30),
                        Optional.empty(), DiskBus.SCSI, Optional.empty(), false, false, NONE, NONE))),
                row("NIC_MODEL_CHANGED", b -> replaceNic(b, nic("vmxnet3", NicType.BRIDGE, true))),
                row("NAME_CHANGED", b -> set(b, () -> b.name = "Web_01.prod")),
                row("(an HTTP disk is readable)", b -> replaceDisk(b, disk("vdb", DiskBus.VIRTIO, new DiskSource(
                        DiskSourceType.NETWORK, "/img/a.qcow2", Optional.of("images.example:443"),
                        Optional.of("https"), NONE, NONE, NONE)))));
    }

    @ParameterizedTest(name = "{0} #{index}")
    @MethodSource("rules")
    void eachRuleRaisesItsCodeOnlyWhenItsFactIsPresent(String code, UnaryOperator<B> change) {
        Vm vm = vm(change);
        List<Concern> concerns = ModelRules.check(vm);
        // A row names every code its one change implies (secure boot also loses the NVRAM).
        assertThat(concerns).extracting(Concern::code).containsExactly(code.split(","));
        for (Concern c : concerns) {
            assertThat(c.message()).startsWith("VM " + vm.name() + ": ");
            // The one severity rule: what the converter decides is only a warning in the scan.
            assertThat(c.severity()).isEqualTo(ConcernCode.valueOf(c.code()).severityAt(Stage.SCAN));
        }
    }

    @ParameterizedTest(name = "{0} #{index}")
    @MethodSource("decidedByTheConverter")
    void whatTheTargetChangesIsLeftToTheConverter(String code, UnaryOperator<B> change) {
        assertThat(ModelRules.check(vm(change))).isEmpty();
    }

    @Test
    void cleanVmHasNoConcerns() {
        assertThat(ModelRules.check(clean())).isEmpty();
    }

    @Test
    void thirtyTwoBitX86IsNotAnArchitectureProblem() {
        Vm vm = vm(b -> set(b, () -> b.firmware = new Firmware(BootMode.BIOS, false, NONE, NONE,
                Optional.of("pc-q35-7.2"), "i686")));
        assertThat(ModelRules.check(vm)).isEmpty();
    }

    @Test
    void emptyCdromAndNetworkDisksAreNotSizeUnknown() {
        Disk cdrom = new Disk("sda", DiskDevice.CDROM, DiskSource.NONE, DiskFormat.RAW, Optional.empty(),
                Optional.empty(), DiskBus.SATA, Optional.empty(), true, false, NONE, NONE);
        Vm vm = vm(b -> add(b.disks, cdrom, b));
        assertThat(ModelRules.check(vm)).isEmpty();
    }

    @Test
    void everyRowCodeExists() {
        List<String> codes = rules().flatMap(a -> Stream.of(((String) a.get()[0]).split(","))).distinct()
                .collect(Collectors.toList());
        for (String code : codes) {
            assertThat(ConcernCode.valueOf(code)).isNotNull();
        }
        decidedByTheConverter().map(a -> (String) a.get()[0]).filter(c -> !c.startsWith("("))
                .forEach(code -> assertThat(ConcernCode.valueOf(code).stage()).as(code).isEqualTo(Stage.CONVERT));
    }

    private static Arguments row(String code, UnaryOperator<B> change) {
        return Arguments.of(code, change);
    }

    private static <T> B add(List<T> list, T item, B b) {
        list.add(item);
        return b;
    }

    private static B set(B b, Runnable r) {
        r.run();
        return b;
    }

    private static B replaceDisk(B b, Disk d) {
        b.disks.clear();
        b.disks.add(d);
        return b;
    }

    private static B replaceNic(B b, Nic n) {
        b.nics.clear();
        b.nics.add(n);
        return b;
    }

    private static Cpu cpu(Optional<String> mode, Optional<String> model, List<VcpuPin> pins, Optional<Integer> shares) {
        return new Cpu(2, 2, new CpuTopology(1, 2, 1), mode, model, pins, shares);
    }
}
