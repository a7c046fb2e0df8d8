package dev.kvmigrate.bench;

import dev.kvmigrate.converter.ConversionResult;
import dev.kvmigrate.converter.ConvertOptions;
import dev.kvmigrate.converter.Converter;
import dev.kvmigrate.converter.Manifest;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.converter.mapping.MappingsReader;
import dev.kvmigrate.converter.validate.ClusterFacts;
import dev.kvmigrate.converter.validate.KubevirtCr;
import dev.kvmigrate.converter.validate.LocatedObject;
import dev.kvmigrate.converter.validate.SchemaSet;
import dev.kvmigrate.converter.validate.ValidationReport;
import dev.kvmigrate.converter.validate.Validator;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Clock;
import dev.kvmigrate.inventory.model.Cpu;
import dev.kvmigrate.inventory.model.CpuTopology;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskBus;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.DiskFormat;
import dev.kvmigrate.inventory.model.DiskSource;
import dev.kvmigrate.inventory.model.Features;
import dev.kvmigrate.inventory.model.Firmware;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Memory;
import dev.kvmigrate.inventory.model.Nic;
import dev.kvmigrate.inventory.model.NicType;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.inventory.model.SourceKind;
import dev.kvmigrate.inventory.model.SourceRef;
import dev.kvmigrate.inventory.model.Tpm;
import dev.kvmigrate.inventory.model.VcpuPin;
import dev.kvmigrate.inventory.model.Vm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Generates an inventory of N varied VMs (vGPUs, passthrough GPUs, 1-4 disks, 1-3 NICs, UEFI/BIOS, Windows),
 * converts it and validates every object against the real schemas, in-process; prints times and objects/s.
 * Usage: {@code ConvertBench [VMS] [SCHEMA_DIR]} (defaults 10000 and ../shared/schemas).
 */
public final class ConvertBench {
    private static final String[][] VGPUS = {{"nvidia-230", "GRID T4-1Q"}, {"nvidia-596", "NVIDIA A10-12Q"},
        {"nvidia-593", "NVIDIA A10-4Q"}, {"nvidia-699", "NVIDIA L4-24Q"}};
    private static final String[][] PASSTHROUGH = {{"2330", "GH100 [H100 SXM5 80GB]"}, {"1eb8", "TU104GL [Tesla T4]"},
        {"2236", "GA102GL [A10]"}};

    private ConvertBench() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Path schemaDir = Path.of(args.length > 1 ? args[1] : "../shared/schemas");
        long t0 = System.nanoTime();
        Inventory inventory = generate(n, new Random(42));
        long t1 = System.nanoTime();
        Mappings mappings = MappingsReader.parse("""
                networks:
                  lan: {type: bridge, nad: vms/lan}
                  storage-net: {type: sriov, nad: vms/sriov-a}
                storage:
                  default: {storageClassName: standard, accessModes: [ReadWriteOnce]}
                """, "bench-mappings");
        ConversionResult result = Converter.convert(inventory, VmSelector.ALL, mappings,
                new ConvertOptions(Optional.of("vms"), Optional.of("bench"), Optional.empty(), false));
        long t2 = System.nanoTime();
        SchemaSet schemas = SchemaSet.of(List.of(schemaDir));
        List<LocatedObject> objects = new ArrayList<>();
        for (Manifest m : result.manifests()) {
            objects.add(LocatedObject.of(m));
        }
        ClusterFacts facts = ClusterFacts.NONE.withPermittedDevices(
                KubevirtCr.permittedResources(result.adminPatch().patch()));
        ValidationReport report = Validator.validateObjects(objects, List.of(), schemas, facts);
        long t3 = System.nanoTime();
        int count = objects.size();
        double convertS = (t2 - t1) / 1e9;
        double validateS = (t3 - t2) / 1e9;
        double total = (t3 - t1) / 1e9;
        System.out.printf("generated %d VMs in %.2f s%n", n, (t1 - t0) / 1e9);
        System.out.printf("converted %d VMs -> %d objects in %.2f s (%.0f objects/s)%n", n, count, convertS,
                count / convertS);
        System.out.printf("validated %d objects in %.2f s (%.0f objects/s), %d findings%n", count, validateS,
                count / validateS, report.findings().size());
        System.out.printf("convert + validate: %.2f s, %.0f objects/s (target <= 15 s)%n", total, count / total);
        // no external baseline: the ratio is against the 15 s target
        System.out.printf(java.util.Locale.ROOT, "RESULT bench=convert case=%d-vms kv_s=%.2f base=target base_s=15.00"
                + " ratio=%.3f objects=%d findings=%d runs=1%n", n, total, total / 15.0, count,
                report.findings().size());
        report.findings().stream().limit(5).forEach(f -> System.out.println("  finding: " + f));
    }

    static Inventory generate(int n, Random r) {
        List<Vm> vms = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            vms.add(vm(i, r));
        }
        return Inventory.of(new SourceRef(SourceKind.LIBVIRT, "qemu+ssh://bench/system"), Optional.empty(), vms);
    }

    private static Vm vm(int i, Random r) {
        String name = String.format("bench_vm.%05d", i);
        boolean uefi = r.nextBoolean();
        boolean windows = r.nextInt(4) == 0;
        int sockets = 1 + r.nextInt(2);
        int cores = 1 << r.nextInt(4);
        Cpu cpu = new Cpu(sockets * cores, sockets * cores, new CpuTopology(sockets, cores, 1),
                Optional.of("host-model"), Optional.empty(),
                r.nextInt(10) == 0 ? List.of(new VcpuPin(0, "0")) : List.of(), Optional.empty());
        Memory memory = new Memory((2L + r.nextInt(62)) << 30, Optional.empty(), Optional.empty(), Optional.empty(),
                r.nextInt(10) == 0 ? Optional.of(2L << 20) : Optional.empty(), Optional.empty(), Optional.empty(), 0);
        List<Disk> disks = new ArrayList<>();
        int nd = 1 + r.nextInt(4);
        for (int d = 0; d < nd; d++) {
            disks.add(new Disk("vd" + (char) ('a' + d), DiskDevice.DISK,
                    DiskSource.file("/var/lib/libvirt/images/" + name + "-" + d + ".qcow2"), DiskFormat.QCOW2,
                    Optional.of((10L + r.nextInt(500)) << 30), Optional.empty(),
                    d == 0 && r.nextInt(5) == 0 ? DiskBus.SATA : DiskBus.VIRTIO,
                    d == 0 ? Optional.of(1) : Optional.empty(), false, false, Optional.empty(), Optional.empty()));
        }
        List<Nic> nics = new ArrayList<>();
        String[] nets = {"default", "lan", "storage-net"};
        int nn = 1 + r.nextInt(3);
        for (int k = 0; k < nn; k++) {
            nics.add(new Nic(Optional.empty(), Optional.of(String.format("52:54:%02x:%02x:%02x:%02x", k, i >> 16 & 255,
                    i >> 8 & 255, i & 255)), k == 0 && r.nextBoolean() ? "e1000e" : "virtio",
                    k == 2 ? NicType.HOSTDEV : NicType.NETWORK, nets[k], Optional.empty(), true));
        }
        List<Gpu> gpus = new ArrayList<>();
        int g = r.nextInt(10);
        if (g < 3) {
            String[] t = VGPUS[r.nextInt(VGPUS.length)];
            for (int k = 0; k <= r.nextInt(2); k++) {
                gpus.add(new Gpu(GpuKind.VGPU, Optional.of("uuid-" + i + "-" + k), Optional.of(t[0]),
                        Optional.of(t[1]), Optional.empty(), Optional.of("10de"), Optional.empty(), Optional.empty(),
                        true, k == 0, Optional.empty()));
            }
        } else if (g == 3) {
            String[] p = PASSTHROUGH[r.nextInt(PASSTHROUGH.length)];
            gpus.add(new Gpu(GpuKind.PASSTHROUGH, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.of("10de"), Optional.of(p[0]), Optional.of(p[1]), false, false,
                    Optional.empty()));
        }
        return new Vm(String.format("00000000-0000-4000-8000-%012d", i), name, name, Optional.empty(),
                Optional.empty(), r.nextBoolean() ? PowerState.SHUTOFF : PowerState.RUNNING, cpu, memory,
                new Firmware(uefi ? BootMode.UEFI : BootMode.BIOS, uefi && r.nextBoolean(), Optional.empty(),
                        Optional.empty(), Optional.of("pc-q35-7.2"), "x86_64"),
                windows ? Optional.of("http://microsoft.com/win/2k19") : Optional.empty(),
                new Features(true, true, uefi, Map.of()), Clock.UTC, disks, nics, gpus, List.of(),
                windows ? Optional.of(new Tpm("tpm-crb", "emulator", Optional.of("2.0"))) : Optional.empty(),
                Optional.empty(), List.of("vnc"), List.of(), null, Map.of(), 0, List.of());
    }
}
