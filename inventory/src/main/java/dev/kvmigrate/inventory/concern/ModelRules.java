package dev.kvmigrate.inventory.concern;

import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.DiskFormat;
import dev.kvmigrate.inventory.model.DiskSourceType;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.HostDevice;
import dev.kvmigrate.inventory.model.Nic;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.inventory.model.Vm;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The source-neutral migration rules: concerns derived from the model alone, so every source (libvirt, XML
 * dumps, oVirt, OVA) raises the same codes for the same facts. Sources append the result with
 * {@link Vm#withConcerns}. Messages start with {@code "VM <name>: "} and say the fix where one exists.
 *
 * <p>Only source facts are decided here. What the target needs or loses (machine type, disk bus, NIC model,
 * watchdog, ramfb, dropped devices, name, TPM, secure boot) is the converter's to decide and report; what a
 * mapping can resolve (unnamed GPUs, unmapped host devices and NICs, unknown disk sizes, unreadable disks) is
 * raised here as a {@link ConcernCode#warningAt warning} and decided by the converter.
 */
public final class ModelRules {
    /** Network disk protocols kv-migrate streams itself; other network storage must be copied by other means. */
    private static final Set<String> READABLE_PROTOCOLS = Set.of("http", "https");

    private static final Set<String> X86 = Set.of("x86_64", "i686", "i386");

    private static final List<Function<Vm, List<Concern>>> RULES = List.of(
            ModelRules::gpus, ModelRules::hostDevices, ModelRules::platform, ModelRules::cpuAndMemory,
            ModelRules::disks, ModelRules::nics, ModelRules::stateAndIdentity);

    private ModelRules() {}

    /** Every concern the model of {@code vm} implies, in a stable order. */
    public static List<Concern> check(Vm vm) {
        List<Concern> out = new ArrayList<>();
        for (Function<Vm, List<Concern>> rule : RULES) {
            out.addAll(rule.apply(vm));
        }
        return List.copyOf(out);
    }

    /**
     * {@code vm} with the model's concerns appended, except codes the source already raised for it: a source's
     * own concern knows more (the engine's device list, the OVF section) and says it better.
     */
    public static Vm apply(Vm vm) {
        Set<String> raised = new java.util.HashSet<>();
        vm.concerns().forEach(c -> raised.add(c.code()));
        return vm.withConcerns(check(vm).stream().filter(c -> !raised.contains(c.code())).toList());
    }

    static List<Concern> gpus(Vm vm) {
        List<Concern> out = new ArrayList<>();
        for (int i = 0; i < vm.gpus().size(); i++) {
            Gpu g = vm.gpus().get(i);
            String field = "gpus[" + i + "]";
            // a vGPU known by its type name alone (a VMware profile) is not missing anything the converter needs
            if (g.kind() == GpuKind.VGPU && g.mdevType().isEmpty() && g.mdevTypeName().isEmpty()) {
                out.add(ConcernCode.GPU_MDEV_MISSING.warningAt(field, p(vm) + "mediated device "
                        + g.mdevUuid().orElse("(no uuid)") + " is not on the host and no type is recorded for it, so"
                        + " its type (an NVIDIA vGPU or another mdev) is unknown; recreate the mdev on the host and"
                        + " scan again, or add a gpus entry "
                        + g.mdevUuid().map(u -> "'" + u + "' ").orElse("") + "naming its resource in the plan"));
            } else if (g.kind() == GpuKind.VGPU && g.mdevTypeName().isEmpty()) {
                out.add(ConcernCode.GPU_TYPE_NAME_UNKNOWN.warningAt(field, p(vm) + "vGPU type " + g.mdevType().get()
                        + " has no known type name (the device plugin advertises names); add a GPU mapping for "
                        + g.mdevType().get() + " in the plan"));
            } else if (g.kind() == GpuKind.SRIOV_VGPU) {
                out.add(ConcernCode.GPU_SRIOV_UNMAPPED.warningAt(field, p(vm) + "SR-IOV vGPU " + g.pciAddress()
                        .orElse("?") + g.physFunction().map(pf -> " (a VF of " + pf + ")").orElse("")
                        + g.mdevTypeName().map(n -> " of profile " + n).orElse(", whose vGPU profile the source does"
                                + " not tell (nvidia/current_vgpu_type in the VF's sysfs directory),")
                        + " is passed through; add a gpus entry for " + g.mdevTypeName().map(n -> "'" + n + "' or ")
                                .orElse("its profile name or ") + g.vendorDevice().orElse("its vendor:device")
                        + " naming the resource the cluster's permittedHostDevices give it"));
            } else if (g.kind() == GpuKind.PASSTHROUGH && g.productName().isEmpty()) {
                out.add(ConcernCode.GPU_PRODUCT_UNKNOWN.warningAt(field, p(vm) + "passthrough GPU "
                        + g.pciAddress().orElse("?") + " (" + g.vendorDevice().orElse("unknown id")
                        + ") has no known product name; add a GPU mapping for " + g.vendorDevice().orElse("it")
                        + " in the plan"));
            }
        }
        return out;
    }

    static List<Concern> hostDevices(Vm vm) {
        List<Concern> out = new ArrayList<>();
        for (int i = 0; i < vm.hostDevices().size(); i++) {
            HostDevice h = vm.hostDevices().get(i);
            String field = "hostDevices[" + i + "]";
            String what = h.address().orElse("?") + h.vendorDevice().map(v -> " (" + v + ")").orElse("")
                    + h.productName().map(n -> " " + n).orElse("");
            // USB, SCSI and other devices cannot be passed through at all: the converter drops them (HOSTDEV_DROPPED).
            // A GPU's companion function is the converter's to carry (mapped) or drop (GPU_COMPANION_DROPPED).
            if (h.companionOf().isPresent()) {
                continue;
            }
            switch (h.kind()) {
                case PCI -> out.add(ConcernCode.HOSTDEV_UNMAPPED.warningAt(field, p(vm) + "PCI device " + what
                        + " is passed through; add a hostDevices entry '" + h.vendorDevice().orElse("vendor:device")
                        + ": <resource name>' in the plan"));
                case MDEV -> out.add(ConcernCode.HOSTDEV_UNMAPPED.warningAt(field, p(vm) + "mediated device " + what
                        + h.deviceClass().map(t -> " of type " + t).orElse("")
                        + " is not an NVIDIA vGPU; add a hostDevices entry for its mdev type in the plan"));
                default -> { }
            }
        }
        return out;
    }

    static List<Concern> platform(Vm vm) {
        List<Concern> out = new ArrayList<>();
        // A 32-bit x86 guest (libvirt arch i686) runs unchanged on an x86_64 KubeVirt node.
        if (!X86.contains(vm.firmware().arch())) {
            out.add(ConcernCode.ARCH_UNSUPPORTED.at("firmware.arch", p(vm) + "architecture " + vm.firmware().arch()
                    + " is not x86_64; kv-migrate converts x86_64 guests only"));
        }
        boolean uefi = vm.firmware().bootMode() == BootMode.UEFI;
        if (uefi && (vm.firmware().secureBoot() || vm.firmware().nvram().isPresent())) {
            out.add(ConcernCode.NVRAM_NOT_CARRIED.at("firmware.nvram", p(vm) + "UEFI variables "
                    + vm.firmware().nvram().map(n -> "(" + n + ") ").orElse("")
                    + "are not carried over; boot entries and enrolled keys come from defaults, re-enroll custom keys"
                    + " after migration"));
        }
        vm.tpm().ifPresent(t -> out.add(ConcernCode.TPM_STATE_NOT_CARRIED.at("tpm", p(vm) + "vTPM " + t.model()
                + " state is not carried over; suspend BitLocker/clear sealed secrets before migrating")));
        if (vm.graphics().contains("spice")) {
            out.add(ConcernCode.DISPLAY_SPICE.at("graphics", p(vm) + "SPICE display becomes VNC on KubeVirt"));
        }
        if (vm.placement().highAvailability()) {
            out.add(ConcernCode.HIGH_AVAILABILITY.at("placement.highAvailability", p(vm)
                    + "HA on the source becomes runStrategy Always on the target"));
        }
        return out;
    }

    static List<Concern> cpuAndMemory(Vm vm) {
        List<Concern> out = new ArrayList<>();
        String mode = vm.cpu().mode().orElse("");
        if (mode.equals("host-passthrough") || mode.equals("maximum")) {
            out.add(ConcernCode.CPU_HOST_PASSTHROUGH.at("cpu.mode", p(vm) + "CPU mode " + mode
                    + " exposes the target node's CPU; use host-passthrough on the target or pick a CPU model"));
        } else if (mode.equals("custom") && vm.cpu().model().isPresent()) {
            out.add(ConcernCode.CPU_CUSTOM_MODEL.at("cpu.model", p(vm) + "CPU model " + vm.cpu().model().get()
                    + " must be offered by the target nodes"));
        }
        if (!vm.cpu().pinning().isEmpty()) {
            out.add(ConcernCode.CPU_PINNED.at("cpu.pinning", p(vm) + vm.cpu().pinning().size()
                    + " vCPU pin(s) are set; the target uses dedicatedCpuPlacement instead of exact host CPUs"));
        }
        vm.cpu().shares().ifPresent(s -> out.add(ConcernCode.CPU_SHARES.at("cpu.shares", p(vm) + "CPU shares " + s
                + " become CPU requests on the target")));
        var mem = vm.memory();
        if (mem.numaMode().isPresent() || mem.numaNodeset().isPresent() || mem.guestNumaNodes() > 0) {
            out.add(ConcernCode.NUMA_TUNED.at("memory.numa", p(vm) + "NUMA tuning"
                    + mem.numaMode().map(m -> " (" + m + mem.numaNodeset().map(n -> " nodes " + n).orElse("") + ")")
                            .orElse("")
                    + (mem.guestNumaNodes() > 0 ? " with " + mem.guestNumaNodes() + " guest NUMA cell(s)" : "")
                    + " is set; the target needs dedicated CPUs and guestMappingPassthrough"));
        }
        return out;
    }

    static List<Concern> disks(Vm vm) {
        List<Concern> out = new ArrayList<>();
        for (int i = 0; i < vm.disks().size(); i++) {
            Disk d = vm.disks().get(i);
            String field = "disks[" + i + "]";
            String name = "disk " + d.target();
            if (d.shareable()) {
                out.add(ConcernCode.DISK_SHAREABLE.at(field, p(vm) + name + " is shareable; give it a ReadWriteMany"
                        + " storage class and import it once"));
            }
            if (d.source().type() == DiskSourceType.NETWORK && !d.source().protocol()
                    .map(pr -> READABLE_PROTOCOLS.contains(pr.toLowerCase(Locale.ROOT))).orElse(false)) {
                out.add(ConcernCode.DISK_SOURCE_UNREADABLE.warningAt(field + ".source", p(vm) + name + " lives on "
                        + d.source().protocol().orElse("network") + " storage (" + d.source().location()
                        + "), which kv-migrate cannot stream; copy it to a PVC by other means and mark the disk blank"
                        + " in a storage.disks entry '" + vm.name() + "/" + d.target() + "'"));
            }
            boolean copied = (d.device() == DiskDevice.DISK) && d.source().type() != DiskSourceType.NONE
                    && d.source().type() != DiskSourceType.NETWORK;
            if (copied && d.virtualSize().isEmpty()) {
                out.add(ConcernCode.DISK_SIZE_UNKNOWN.warningAt(field + ".virtualSize", p(vm) + name + " ("
                        + d.source().location() + ") has no known size; make the image readable or give its size in"
                        + " a storage.disks entry '" + vm.name() + "/" + d.target() + "'"));
            } else if (copied && d.virtualSize().get() == 0) {
                out.add(ConcernCode.DISK_SIZE_UNKNOWN.warningAt(field + ".virtualSize", p(vm) + name
                        + " reports a size of 0 bytes; check the image on the source or give its size in a"
                        + " storage.disks entry '" + vm.name() + "/" + d.target() + "'"));
            }
            if (copied && d.format() == DiskFormat.UNKNOWN) {
                out.add(ConcernCode.DISK_FORMAT_UNKNOWN.at(field + ".format", p(vm) + name
                        + " has no declared format; the importer detects it from the image bytes"));
            }
        }
        return out;
    }

    static List<Concern> nics(Vm vm) {
        List<Concern> out = new ArrayList<>();
        for (int i = 0; i < vm.nics().size(); i++) {
            Nic n = vm.nics().get(i);
            String field = "nics[" + i + "]";
            String name = "NIC " + n.mac().or(n::name).orElse("#" + (i + 1));
            switch (n.type()) {
                case DIRECT -> out.add(ConcernCode.NIC_DIRECT.warningAt(field, p(vm) + name
                        + " is macvtap on host device " + n.network() + "; map it to a Multus or SR-IOV network in the plan"));
                case HOSTDEV -> out.add(ConcernCode.NIC_HOSTDEV.warningAt(field, p(vm) + name + " is host PCI device "
                        + n.network() + "; map it to an SR-IOV network in the plan"));
                case VHOSTUSER -> out.add(ConcernCode.NIC_VHOSTUSER.warningAt(field, p(vm) + name
                        + " uses vhost-user; map it to a network in the plan"));
                default -> { }
            }
            if (!n.plugged()) {
                out.add(ConcernCode.NIC_UNPLUGGED.at(field, p(vm) + name + " is unplugged (link down) on the source"));
            }
        }
        return out;
    }

    static List<Concern> stateAndIdentity(Vm vm) {
        List<Concern> out = new ArrayList<>();
        if (vm.powerState() == PowerState.RUNNING || vm.powerState() == PowerState.PAUSED) {
            out.add(ConcernCode.VM_RUNNING.at("powerState", p(vm) + "is " + vm.powerState().name()
                    .toLowerCase(Locale.ROOT) + "; shut it down before its disks are copied"));
        }
        if (vm.snapshots() > 0) {
            out.add(ConcernCode.SNAPSHOTS_PRESENT.at("snapshots", p(vm) + vm.snapshots()
                    + " snapshot(s) exist; only the current state is migrated, delete or merge them first"));
        }
        return out;
    }

    private static String p(Vm vm) {
        return "VM " + vm.name() + ": ";
    }
}
