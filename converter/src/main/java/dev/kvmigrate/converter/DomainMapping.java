package dev.kvmigrate.converter;

import static dev.kvmigrate.converter.Trees.enabled;
import static dev.kvmigrate.converter.Trees.obj;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Clock;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Cpu;
import dev.kvmigrate.inventory.model.Features;
import dev.kvmigrate.inventory.model.Firmware;
import dev.kvmigrate.inventory.model.Memory;
import dev.kvmigrate.inventory.model.Vm;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** The VM's platform as KubeVirt domain pieces: CPU, memory, firmware, features, clock. Pure functions. */
final class DomainMapping {
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Hyper-V enlightenments a Windows guest gets when the source names none (KubeVirt's Windows template set). */
    static final Map<String, String> WINDOWS_HYPERV = windowsDefaults();
    /** libvirt enlightenment name → KubeVirt FeatureHyperv field. */
    private static final Map<String, String> HYPERV_NAMES = Map.ofEntries(
            Map.entry("relaxed", "relaxed"), Map.entry("vapic", "vapic"), Map.entry("vpindex", "vpindex"),
            Map.entry("runtime", "runtime"), Map.entry("synic", "synic"), Map.entry("stimer", "synictimer"),
            Map.entry("synictimer", "synictimer"), Map.entry("reset", "reset"),
            Map.entry("frequencies", "frequencies"), Map.entry("reenlightenment", "reenlightenment"),
            Map.entry("tlbflush", "tlbflush"), Map.entry("ipi", "ipi"), Map.entry("evmcs", "evmcs"),
            Map.entry("spinlocks", "spinlocks"), Map.entry("vendor_id", "vendorid"),
            Map.entry("vendorid", "vendorid"));

    private DomainMapping() {}

    private static Map<String, String> windowsDefaults() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String f : List.of("relaxed", "vapic", "vpindex", "runtime", "synic", "synictimer", "reset")) {
            m.put(f, "on");
        }
        m.put("spinlocks", "8191");
        return Map.copyOf(m);
    }

    /**
     * "win" starting a word of the OS hint: libosinfo {@code http://microsoft.com/win/10}, oVirt
     * {@code windows_2019x64}, VMware {@code winNetStandardGuest}; not VMware's {@code darwin64Guest} (macOS).
     */
    private static final java.util.regex.Pattern WINDOWS_OS = java.util.regex.Pattern.compile("(^|[^a-z])win");

    /** Windows from the OS hint ({@code win}, {@code windows_2019x64}) or from Hyper-V enlightenments. */
    static boolean isWindows(Vm vm) {
        return vm.os().map(o -> WINDOWS_OS.matcher(o.toLowerCase(Locale.ROOT)).find()).orElse(false)
                || !vm.features().hyperv().isEmpty();
    }

    /** {@code spec.domain.cpu}: topology, model, dedicated placement when pinned, NUMA passthrough when tuned. */
    static ObjectNode cpu(Cpu cpu, Memory memory) {
        ObjectNode n = obj();
        n.put("sockets", cpu.topology().sockets());
        n.put("cores", cpu.topology().cores());
        n.put("threads", cpu.topology().threads());
        cpu.mode().filter(m -> m.equals("host-passthrough") || m.equals("host-model")).or(cpu::model)
                .ifPresent(m -> n.put("model", m));
        if (!cpu.pinning().isEmpty()) {
            n.put("dedicatedCpuPlacement", true);
            // guestMappingPassthrough needs dedicated CPUs and hugepages (KubeVirt NUMA docs).
            if (memory.numaMode().isPresent() && memory.hugepageBytes().isPresent()) {
                n.putObject("numa").putObject("guestMappingPassthrough");
            }
        }
        return n;
    }

    /** {@code spec.domain.memory}: guest size and hugepages (2Mi or 1Gi only). */
    static ObjectNode memory(Memory memory, String vmName, Consumer<Concern> concerns) {
        ObjectNode n = obj().put("guest", Quantity.format(memory.bytes()));
        memory.hugepageBytes().ifPresent(size -> {
            if (size == 2L << 20 || size == 1L << 30) {
                n.putObject("hugepages").put("pageSize", Quantity.format(size));
                concerns.accept(ConcernCode.HUGEPAGES.at("memory.hugepageBytes", "VM " + vmName + ": memory is"
                        + " backed by " + Quantity.format(size) + " hugepages; the target nodes must offer that page"
                        + " size"));
            } else {
                concerns.accept(ConcernCode.HUGEPAGES_DROPPED.at("memory.hugepageBytes", "VM " + vmName
                        + ": hugepage size " + size + " bytes is neither 2Mi nor 1Gi; the guest uses normal pages"));
            }
        });
        return n;
    }

    /**
     * {@code spec.domain.firmware}: EFI (secure boot only together with SMM; persistent when the source keeps
     * NVRAM) or BIOS; the source UUID is kept so the guest's SMBIOS identity (licences, activation) survives.
     */
    static ObjectNode firmware(Vm vm, Consumer<Concern> concerns) {
        Firmware fw = vm.firmware();
        ObjectNode n = obj();
        ObjectNode bootloader = n.putObject("bootloader");
        if (fw.bootMode() == BootMode.UEFI) {
            ObjectNode efi = bootloader.putObject("efi");
            boolean secure = fw.secureBoot() && vm.features().smm();
            if (fw.secureBoot() && !vm.features().smm()) {
                concerns.accept(ConcernCode.SECURE_BOOT_DROPPED.at("firmware.secureBoot", "VM " + vm.name()
                        + ": secure boot is on but SMM is off; the target boots UEFI without secure boot"));
            }
            efi.put("secureBoot", secure);
            if (fw.nvram().isPresent()) {
                efi.put("persistent", true);
            }
        } else {
            bootloader.putObject("bios");
        }
        if (UUID.matcher(vm.id()).matches()) {
            n.put("uuid", vm.id().toLowerCase(Locale.ROOT));
        }
        return n;
    }

    /** {@code spec.domain.machine}: always q35; a concern when the source used another chipset. */
    static ObjectNode machine(Vm vm, Consumer<Concern> concerns) {
        Optional<String> type = vm.firmware().machineType();
        boolean q35 = type.map(t -> t.toLowerCase(Locale.ROOT).contains("q35")).orElse(true);
        if (!q35) {
            concerns.accept(ConcernCode.MACHINE_CHANGED.at("firmware.machineType", "VM " + vm.name()
                    + ": " + sourceMachine(type.get()) + " becomes q35; the guest sees a PCIe chipset and SATA"
                    + " controllers"));
        }
        return obj().put("type", "q35");
    }

    /**
     * How the source names its virtual platform, for people: libvirt machine types as they are, OVF system types
     * ({@code vmx-21}: VMware's virtual hardware version; {@code virtualbox-2.2}) said as what they are.
     */
    static String sourceMachine(String type) {
        String t = type.trim();
        if (t.startsWith("vmx-")) {
            return "VMware virtual hardware " + t;
        }
        if (t.startsWith("virtualbox-")) {
            return "VirtualBox platform " + t;
        }
        return "machine type " + t;
    }

    /** {@code spec.domain.features}, or empty when the guest needs none. */
    static Optional<ObjectNode> features(Vm vm, boolean efiSecure) {
        Features f = vm.features();
        ObjectNode n = obj();
        if (f.acpi()) {
            n.set("acpi", obj());
        }
        if (f.apic()) {
            n.set("apic", obj());
        }
        if (f.smm() || efiSecure) {
            n.set("smm", enabled(true));
        }
        Map<String, String> hyperv = !f.hyperv().isEmpty() ? f.hyperv()
                : isWindows(vm) ? WINDOWS_HYPERV : Map.of();
        if (!hyperv.isEmpty()) {
            ObjectNode hv = n.putObject("hyperv");
            new java.util.TreeMap<>(hyperv).forEach((name, value) -> {
                String field = HYPERV_NAMES.get(name);
                if (field == null) {
                    return;
                }
                boolean on = !value.equalsIgnoreCase("off") && !value.equalsIgnoreCase("no");
                ObjectNode state = enabled(on);
                if (field.equals("spinlocks") && value.matches("[0-9]+")) {
                    state.put("spinlocks", Long.parseLong(value));
                } else if (field.equals("vendorid") && on && !value.equalsIgnoreCase("on")) {
                    state.put("vendorid", value);
                }
                hv.set(field, state);
            });
        }
        return n.isEmpty() ? Optional.empty() : Optional.of(n);
    }

    /** {@code spec.domain.clock}: UTC or a named zone, and the source's timers (Hyper-V clock for Windows). */
    static ObjectNode clock(Vm vm, Consumer<Concern> concerns) {
        Clock c = vm.clock();
        ObjectNode n = obj();
        if (c.timezone().isPresent()) {
            n.put("timezone", c.timezone().get());
        } else {
            n.set("utc", obj());
            if (c.offset().equalsIgnoreCase("localtime")) {
                concerns.accept(ConcernCode.CLOCK_LOCALTIME.at("clock.offset", "VM " + vm.name()
                        + ": the guest clock is local time without a named zone; the target clock is UTC, set"
                        + " spec.template.spec.domain.clock.timezone if the guest expects local time"));
            }
        }
        ObjectNode timer = obj();
        for (String t : c.timers()) {
            switch (t.toLowerCase(Locale.ROOT)) {
                case "hypervclock" -> timer.putObject("hyperv").put("present", true);
                case "rtc" -> timer.putObject("rtc").put("tickPolicy", "catchup");
                case "pit" -> timer.putObject("pit").put("tickPolicy", "delay");
                case "hpet" -> timer.putObject("hpet").put("present", false);
                case "kvmclock" -> timer.putObject("kvm").put("present", true);
                default -> { }
            }
        }
        if (isWindows(vm) && !timer.has("hyperv")) {
            timer.putObject("hyperv").put("present", true);
        }
        if (!timer.isEmpty()) {
            n.set("timer", timer);
        }
        return n;
    }
}
