package dev.kvmigrate.converter;

import dev.kvmigrate.converter.gpu.DeviceResolver;
import dev.kvmigrate.converter.mapping.GpuReplacement;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.DiskBus;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.Nic;
import dev.kvmigrate.inventory.model.Vm;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a guest boots with virtio devices, and the device models it gets. Pure; the one place that decides.
 *
 * <p>A guest <em>needs compatible devices</em> when it is Windows ({@link DomainMapping#isWindows}: OS hint or
 * Hyper-V enlightenments) or comes from VMware (an OVF whose virtual system type is {@code vmx-NN}) with SCSI disks
 * (pvscsi, LSI Logic, BusLogic: KubeVirt's SCSI bus is virtio-scsi) or vmxnet/e1000 NICs — unless a {@code guests}
 * entry of the mappings says it has virtio drivers. Such a guest gets its non-virtio disks on SATA and its NICs
 * that KubeVirt lacks (and VMware's e1000, whose driver Windows 8 / Server 2012 and later do not ship) as e1000e,
 * with one GUEST_COMPAT_DEVICES naming them and why. Disks and NICs that were virtio stay virtio: the guest has
 * those drivers. Every other guest keeps the plain rules (IDE → SATA, an unknown bus or NIC model → virtio).
 *
 * <p>Also decided here: NIC_RENAME_LIKELY for a NIC whose model changes or whose MAC is not carried, and the guest
 * drivers a GPU replacement needs ({@code gpuReplacements}): GPU_GUEST_DRIVER_BRANCH for an mdev vGPU sent to an
 * SR-IOV vGPU, GPU_GUEST_DRIVER_PRODUCT for a passthrough GPU sent to another product.
 */
final class GuestReadiness {
    static final String COMPAT_BUS = "sata";
    static final String COMPAT_NIC = "e1000e";

    private GuestReadiness() {}

    /**
     * The decision for one guest.
     *
     * @param compatible the guest gets SATA disks and e1000e NICs where it would get virtio ones
     * @param vmware the guest comes from VMware, whose e1000 becomes e1000e too
     * @param reasons why it needs compatible devices (empty: it does not)
     * @param virtioMapped a {@code guests} entry says it has virtio drivers
     */
    record Decision(boolean compatible, boolean vmware, List<String> reasons, boolean virtioMapped) {
        Decision {
            reasons = List.copyOf(reasons);
        }

        /** A guest with virtio drivers: today's rules. */
        static final Decision VIRTIO = new Decision(false, false, List.of(), false);
    }

    static Decision decide(Vm vm, Mappings mappings) {
        List<String> reasons = new ArrayList<>();
        if (DomainMapping.isWindows(vm)) {
            reasons.add("it is a Windows guest" + vm.os().map(o -> " (" + o + ")").orElse(""));
        }
        Optional<String> vmx = vm.firmware().machineType().filter(m -> m.toLowerCase(Locale.ROOT).startsWith("vmx-"));
        List<String> vmwareDevices = new ArrayList<>();
        if (vmx.isPresent()) {
            if (vm.disks().stream().anyMatch(d -> d.device() == DiskDevice.DISK && d.bus() == DiskBus.SCSI)) {
                vmwareDevices.add("SCSI disks");
            }
            vm.nics().stream().map(n -> n.model().toLowerCase(Locale.ROOT)).filter(GuestReadiness::vmwareNic)
                    .distinct().forEach(m -> vmwareDevices.add(m + " NICs"));
        }
        boolean vmware = !vmwareDevices.isEmpty();
        if (vmware) {
            reasons.add("it comes from VMware (" + vmx.get() + ") with " + String.join(" and ", vmwareDevices)
                    + ", which it has VMware's drivers for, not virtio ones");
        }
        boolean mapped = mappings.virtioDrivers(vm.name());
        return new Decision(!reasons.isEmpty() && !mapped, vmware, reasons, mapped);
    }

    private static boolean vmwareNic(String model) {
        return model.startsWith("vmxnet") || model.equals("e1000") || model.equals("flexible");
    }

    /** KubeVirt bus of a disk or CD-ROM: SATA instead of virtio/virtio-scsi for a guest that needs it. */
    static String bus(DiskDevice device, DiskBus bus, Decision decision) {
        String plain = DiskMapping.bus(device, bus);
        if (decision.compatible() && bus != DiskBus.VIRTIO && !plain.equals("usb")) {
            return COMPAT_BUS;
        }
        return plain;
    }

    /** Whether {@link #bus} chose SATA because of the decision (not what the plain rules give). */
    static boolean compatBus(DiskDevice device, DiskBus bus, Decision decision) {
        return !bus(device, bus, decision).equals(DiskMapping.bus(device, bus));
    }

    /** KubeVirt model of a NIC: e1000e instead of virtio (or VMware's e1000) for a guest that needs it. */
    static String nicModel(Nic nic, Decision decision) {
        Optional<String> known = NetworkMapping.model(nic.model());
        if (decision.compatible() && (known.isEmpty() || decision.vmware() && known.get().equals("e1000"))) {
            return COMPAT_NIC;
        }
        return known.orElse("virtio");
    }

    /** Whether {@link #nicModel} chose e1000e because of the decision. */
    static boolean compatNic(Nic nic, Decision decision) {
        return !nicModel(nic, decision).equals(NetworkMapping.model(nic.model()).orElse("virtio"));
    }

    /**
     * The one GUEST_COMPAT_DEVICES concern naming the disks and NICs given compatible models, when there are any.
     */
    static Optional<Concern> concern(Vm vm, Decision decision, List<String> disks, List<String> nics) {
        if (!decision.compatible() || disks.isEmpty() && nics.isEmpty()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        if (!disks.isEmpty()) {
            parts.add((disks.size() == 1 ? "disk " : "disks ") + String.join(", ", disks) + " on " + COMPAT_BUS);
        }
        if (!nics.isEmpty()) {
            parts.add((nics.size() == 1 ? "NIC " : "NICs ") + String.join(", ", nics) + " " + COMPAT_NIC);
        }
        return Optional.of(ConcernCode.GUEST_COMPAT_DEVICES.of("VM " + vm.name() + ": " + String.join(", ", parts)
                + " because " + String.join(" and ", decision.reasons()) + ", and the mappings do not say it has"
                + " virtio drivers; once virtio-win (or the virtio modules) is installed in the guest, set"
                + " 'guests: {\"" + vm.name() + "\": {virtioDrivers: true}}' in the mappings for virtio speed"));
    }

    /**
     * NIC_RENAME_LIKELY for a NIC whose model changes or whose MAC is not carried, naming what changed; empty
     * otherwise.
     *
     * @param targetModel the model on the target; empty where it has none (an SR-IOV VF keeps its hardware)
     */
    static Optional<Concern> rename(Nic nic, String field, String who, Optional<String> targetModel,
            boolean macKept) {
        List<String> changed = new ArrayList<>();
        targetModel.filter(m -> !NetworkMapping.model(nic.model()).filter(m::equals).isPresent())
                .ifPresent(m -> changed.add("its model " + nic.model() + " becomes " + m));
        if (!macKept) {
            changed.add(nic.mac().map(m -> "its MAC " + m + " is not kept").orElse("the source gives no MAC")
                    + ", so the target generates one");
        }
        if (changed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ConcernCode.NIC_RENAME_LIKELY.at(field, who + ": " + String.join(" and ", changed)
                + "; the guest sees a new adapter: Linux may rename the interface (predictable names, MAC-bound"
                + " configuration), Windows creates a new connection without the old static IP settings; check the"
                + " guest's network configuration at the first boot"));
    }

    /**
     * The guest drivers GPU replacements need: GPU_GUEST_DRIVER_BRANCH for an mdev vGPU the mappings send to an
     * SR-IOV vGPU (vGPU 17+ only, and the guest driver's branch must match the hosts' vGPU manager's),
     * GPU_GUEST_DRIVER_PRODUCT for a passthrough GPU they send to another product.
     */
    static List<Concern> gpuDrivers(Vm vm, Mappings mappings) {
        List<Concern> out = new ArrayList<>();
        for (int i = 0; i < vm.gpus().size(); i++) {
            Gpu gpu = vm.gpus().get(i);
            String field = "gpus[" + i + "]";
            Optional<GpuReplacement> r = DeviceResolver.replacement(gpu, mappings);
            if (r.isEmpty()) {
                continue;
            }
            if (r.get().sriovVf().isPresent()) {
                out.add(ConcernCode.GPU_GUEST_DRIVER_BRANCH.at(field, "VM " + vm.name() + ": " + field + " (vGPU "
                        + gpu.mdevTypeName().or(gpu::mdevType).or(gpu::mdevUuid).orElse("of unknown type")
                        + ", a mediated device) becomes an SR-IOV vGPU on VFs " + r.get().sriovVf().get()
                        + "; SR-IOV vGPU needs NVIDIA vGPU 17 or newer, so install the NVIDIA vGPU guest driver of"
                        + " the 17.x branch or newer, the branch of the target nodes' vGPU manager, in the guest"
                        + " before the cut-over (a guest driver of another branch leaves the guest without its"
                        + " GPU)"));
            } else {
                out.add(ConcernCode.GPU_GUEST_DRIVER_PRODUCT.at(field, "VM " + vm.name() + ": " + field
                        + " (passthrough " + gpu.vendorDevice().orElse("GPU") + gpu.productName().map(p -> " " + p)
                                .orElse("") + ") is served by another product on the target ("
                        + r.get().device().get() + "); install an NVIDIA driver in the guest that supports "
                        + r.get().device().get() + " before the cut-over (data-center drivers drop older products,"
                        + " and a driver without the new device id leaves the guest without its GPU)"));
            }
        }
        return out;
    }
}
