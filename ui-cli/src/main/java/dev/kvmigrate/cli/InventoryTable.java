package dev.kvmigrate.cli;

import dev.kvmigrate.common.ByteSize;
import com.github.freva.asciitable.AsciiTable;
import com.github.freva.asciitable.Column;
import com.github.freva.asciitable.ColumnData;
import com.github.freva.asciitable.HorizontalAlign;
import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Severity;
import dev.kvmigrate.inventory.model.Vm;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The inventory for people: one row per VM, then the blockers and warnings, one line each. */
final class InventoryTable {
    private InventoryTable() {}

    static String render(Inventory inv) {
        if (inv.vms().isEmpty()) {
            return "No VMs found in " + inv.source().location() + ".\n";
        }
        List<ColumnData<Vm>> columns = List.of(
                col("NAME", Vm::name),
                col("STATE", vm -> vm.powerState().name().toLowerCase(Locale.ROOT)),
                col("CPU", vm -> String.valueOf(vm.cpu().vcpus()), HorizontalAlign.RIGHT),
                col("MEMORY", vm -> ByteSize.human(vm.memory().bytes()), HorizontalAlign.RIGHT),
                col("FIRMWARE", InventoryTable::firmware),
                col("DISKS", InventoryTable::disks),
                col("NICS", vm -> String.valueOf(vm.nics().size()), HorizontalAlign.RIGHT),
                col("GPUS", InventoryTable::gpus),
                col("CONCERNS", InventoryTable::concernCounts));
        StringBuilder sb = new StringBuilder(AsciiTable.getTable(AsciiTable.NO_BORDERS, inv.vms(), columns));
        sb.append('\n');
        long info = 0;
        boolean header = false;
        for (Vm vm : inv.vms()) {
            for (Concern c : vm.concerns()) {
                if (c.severity() == Severity.INFO) {
                    info++;
                    continue;
                }
                if (!header) {
                    sb.append("\nConcerns:\n");
                    header = true;
                }
                sb.append(String.format(Locale.ROOT, "  %-7s %-30s %s%n", c.severity(), c.code(), c.message()));
            }
        }
        if (info > 0) {
            sb.append(String.format(Locale.ROOT, "%n%d informational concern(s) not shown; -o yaml lists them all.%n",
                    info));
        }
        return sb.toString();
    }

    private static ColumnData<Vm> col(String header, java.util.function.Function<Vm, String> f) {
        return col(header, f, HorizontalAlign.LEFT);
    }

    private static ColumnData<Vm> col(String header, java.util.function.Function<Vm, String> f,
            HorizontalAlign align) {
        return new Column().header(header).headerAlign(HorizontalAlign.LEFT).dataAlign(align).with(f);
    }

    static String firmware(Vm vm) {
        if (vm.firmware().bootMode() == BootMode.BIOS) {
            return "BIOS";
        }
        return vm.firmware().secureBoot() ? "UEFI+SB" : "UEFI";
    }

    static String disks(Vm vm) {
        List<Disk> disks = vm.disks().stream().filter(d -> d.device() == DiskDevice.DISK || d.device() == DiskDevice.LUN)
                .collect(Collectors.toList());
        if (disks.isEmpty()) {
            return "-";
        }
        long known = disks.stream().filter(d -> d.virtualSize().isPresent()).mapToLong(d -> d.virtualSize().get()).sum();
        boolean allKnown = disks.stream().allMatch(d -> d.virtualSize().isPresent());
        String size = known == 0 && !allKnown ? "size ?" : ByteSize.human(known) + (allKnown ? "" : "+?");
        return disks.size() + " (" + size + ")";
    }

    /** {@code vGPU GRID T4-1Q}, {@code 2x vGPU NVIDIA A10-12Q}, {@code GPU GH100 [H100 SXM5 80GB]}. */
    static String gpus(Vm vm) {
        if (vm.gpus().isEmpty()) {
            return "-";
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Gpu g : vm.gpus()) {
            counts.merge(label(g), 1, Integer::sum);
        }
        return counts.entrySet().stream().map(e -> (e.getValue() > 1 ? e.getValue() + "x " : "") + e.getKey())
                .collect(Collectors.joining(", "));
    }

    private static String label(Gpu g) {
        if (g.kind() == GpuKind.SRIOV_VGPU) {
            return "SR-IOV vGPU " + g.mdevTypeName().or(g::vendorDevice).orElse("?");
        }
        if (g.kind() == GpuKind.VGPU) {
            return "vGPU " + g.mdevTypeName().or(g::mdevType).orElse("? (mdev missing)");
        }
        return "GPU " + g.productName().or(g::vendorDevice).orElse("?");
    }

    static String concernCounts(Vm vm) {
        long b = vm.concerns().stream().filter(c -> c.severity() == Severity.BLOCKER).count();
        long w = vm.concerns().stream().filter(c -> c.severity() == Severity.WARNING).count();
        if (b == 0 && w == 0) {
            return "-";
        }
        return (b > 0 ? b + " blocker" + (b > 1 ? "s" : "") : "") + (b > 0 && w > 0 ? ", " : "")
                + (w > 0 ? w + " warning" + (w > 1 ? "s" : "") : "");
    }
}
