package dev.kvmigrate.inventory.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Recognises a passthrough GPU's companion functions: the other functions of the same board (same PCI domain, bus
 * and slot, another function) that passthrough setups assign alongside the GPU — the HDMI/DP audio function
 * ({@code .1}, class 0x0403), the USB-C controller ({@code .2}, class 0x0c03) and its UCSI function ({@code .3},
 * class 0x0c80). A function of another vendor, or one whose class is known and is none of those, is not a
 * companion. Source-neutral: libvirt and oVirt both mark their host devices here.
 */
public final class GpuCompanions {
    /** PCI classes (base + subclass) of the functions a GPU board carries besides the GPU. */
    private static final List<String> COMPANION_CLASSES = List.of("0403", "0c03", "0c80");

    private GpuCompanions() {}

    /**
     * {@code hostDevices} with each PCI companion of a passthrough GPU in {@code gpus} marked
     * ({@link HostDevice#companionOf}); the others unchanged, in the same order.
     */
    public static List<HostDevice> mark(List<Gpu> gpus, List<HostDevice> hostDevices) {
        Map<String, Gpu> bySlot = new TreeMap<>();
        for (Gpu g : gpus) {
            if (g.kind() == GpuKind.PASSTHROUGH) {
                g.pciAddress().flatMap(GpuCompanions::slot).ifPresent(s -> bySlot.putIfAbsent(s, g));
            }
        }
        List<HostDevice> out = new ArrayList<>(hostDevices.size());
        for (HostDevice h : hostDevices) {
            Optional<Gpu> gpu = h.kind() == HostDeviceKind.PCI
                    ? h.address().flatMap(GpuCompanions::slot).map(bySlot::get) : Optional.empty();
            boolean companion = gpu.isPresent() && !h.address().equals(gpu.get().pciAddress())
                    && (h.vendorId().isEmpty() || h.vendorId().equals(gpu.get().vendorId()))
                    && h.deviceClass().map(GpuCompanions::companionClass).orElse(true);
            out.add(companion ? h.asCompanionOf(gpu.get().pciAddress().get()) : h);
        }
        return List.copyOf(out);
    }

    /** {@code 0000:03:00.1} → {@code 0000:03:00}. */
    private static Optional<String> slot(String address) {
        int dot = address.lastIndexOf('.');
        return dot > 0 ? Optional.of(address.substring(0, dot).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /** {@code 0x040300} → base class and subclass {@code 0403} is audio. */
    private static boolean companionClass(String pciClass) {
        String c = pciClass.trim().toLowerCase(Locale.ROOT);
        if (c.startsWith("0x")) {
            c = c.substring(2);
        }
        c = "0".repeat(Math.max(0, 6 - c.length())) + c;
        return COMPANION_CLASSES.contains(c.substring(0, 4));
    }
}
