package dev.kvmigrate.inventory.ova;

import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.HostDevice;
import dev.kvmigrate.inventory.model.Vm;
import java.util.stream.Collectors;

/**
 * One line per VM for table-driven tests: name, vCPUs, memory, firmware, disks (not CD-ROMs), NICs, GPUs, host
 * devices and the distinct concern codes in the order first raised.
 */
final class OvfSummary {
    private OvfSummary() {}

    static String of(Vm vm) {
        return vm.name() + " cpu=" + vm.cpu().vcpus() + " mem=" + (vm.memory().bytes() >> 20) + "Mi fw="
                + (vm.firmware().bootMode() == BootMode.BIOS ? "BIOS" : vm.firmware().secureBoot() ? "UEFI+SB" : "UEFI")
                + " disks=" + vm.disks().stream().filter(d -> d.device() == DiskDevice.DISK).count()
                + " nics=" + vm.nics().size()
                + " gpus=" + vm.gpus().stream().map(OvfSummary::gpu).collect(Collectors.joining(",", "[", "]"))
                + " hostdevs=" + vm.hostDevices().stream().map(OvfSummary::hostDevice)
                        .collect(Collectors.joining(",", "[", "]"))
                + " concerns=" + vm.concerns().stream().map(Concern::code).distinct()
                        .collect(Collectors.joining(",", "[", "]"));
    }

    private static String gpu(Gpu g) {
        if (g.kind() == GpuKind.VGPU) {
            return "VGPU " + g.mdevTypeName().map(n -> "'" + n + "'").orElse("type=" + g.mdevType().orElse("?"));
        }
        return g.kind() + " " + g.vendorDevice().orElse("?") + g.pciAddress().map(a -> "@" + a).orElse("");
    }

    private static String hostDevice(HostDevice h) {
        return h.kind() + " " + h.vendorDevice().orElse("?") + h.address().map(a -> "@" + a).orElse("")
                + h.companionOf().map(c -> " companion-of " + c).orElse("");
    }
}
