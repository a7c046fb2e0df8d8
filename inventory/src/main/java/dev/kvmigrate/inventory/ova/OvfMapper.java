package dev.kvmigrate.inventory.ova;

import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Cpu;
import dev.kvmigrate.inventory.model.CpuTopology;
import dev.kvmigrate.inventory.model.Firmware;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.Memory;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Maps an OVF envelope to VMs: DMTF/VMware style ({@code VirtualSystem}, {@code VirtualHardwareSection},
 * {@code vmw:Config firmware}) and oVirt/RHV exports ({@code Content xsi:type="ovf:VirtualSystem_Type"},
 * {@code BiosType}, custom properties with {@code mdev_type}). Pure: the disk images are looked up through the
 * function given.
 */
final class OvfMapper {
    private static final long DEFAULT_MEMORY = 1L << 30;

    private OvfMapper() {}

    static List<Vm> map(XmlNode envelope, String location, Function<String, Optional<DiskImage>> images) {
        List<Vm> out = new ArrayList<>();
        for (XmlNode system : systems(envelope)) {
            out.add(vm(envelope, system, location, images));
        }
        return out;
    }

    /** VirtualSystem elements (also inside a VirtualSystemCollection) and oVirt's {@code Content}. */
    static List<XmlNode> systems(XmlNode envelope) {
        List<XmlNode> out = new ArrayList<>();
        out.addAll(envelope.children("VirtualSystem"));
        envelope.children("VirtualSystemCollection").forEach(c -> out.addAll(c.children("VirtualSystem")));
        out.addAll(envelope.children("Content"));
        return out;
    }

    /** Sections by DMTF name, also when written oVirt-style as {@code Section xsi:type="ovf:NAME_Type"}. */
    static List<XmlNode> sections(XmlNode parent, String name) {
        List<XmlNode> out = new ArrayList<>(parent.children(name));
        for (XmlNode s : parent.children("Section")) {
            if (s.attr("type").filter(t -> t.endsWith(name + "_Type")).isPresent()) {
                out.add(s);
            }
        }
        return out;
    }

    private static Vm vm(XmlNode envelope, XmlNode system, String location, Function<String, Optional<DiskImage>> images) {
        String name = system.text("Name").or(() -> system.attr("id")).orElse("ova-vm");
        String id = system.attr("id").orElse(name);
        List<XmlNode> items = sections(system, "VirtualHardwareSection").stream()
                .flatMap(h -> h.children("Item").stream()).toList();
        List<Concern> concerns = new ArrayList<>();
        OvfHardware.Devices devices = OvfHardware.devices(envelope, items, images, concerns);
        Map<String, String> props = customProperties(system);
        List<Gpu> gpus = vgpus(name, props, items, concerns);
        boolean ovirt = system.name().equals("Content");
        Optional<String> os = sections(system, "OperatingSystemSection").stream().findFirst()
                .flatMap(s -> ovirt ? s.text("Description") : s.attr("osType").or(() -> s.text("Description")));
        return new Vm(id, name, location, Optional.empty(), system.text("Description"), PowerState.SHUTOFF,
                cpu(items), memory(items), firmware(system, ovirt), os, null, null, devices.disks(), devices.nics(),
                gpus, List.of(), Optional.empty(), Optional.empty(), List.of(), devices.video(), null, props, 0,
                concerns);
    }

    static Cpu cpu(List<XmlNode> items) {
        for (XmlNode item : items) {
            if (!resourceType(item).equals("3")) {
                continue;
            }
            int sockets = positive(item.text("num_of_sockets")).orElse(0);
            int perSocket = positive(item.text("cpu_per_socket")).orElse(0);
            int threads = positive(item.text("threads_per_cpu")).orElse(1);
            if (sockets > 0 && perSocket > 0) {
                return new Cpu(sockets * perSocket * threads, 0, new CpuTopology(sockets, perSocket, threads),
                        Optional.empty(), Optional.empty(), List.of(), Optional.empty());
            }
            int vcpus = positive(item.text("VirtualQuantity")).orElse(1);
            int cores = positive(item.text("CoresPerSocket")).filter(c -> vcpus % c == 0).orElse(vcpus);
            return new Cpu(vcpus, 0, new CpuTopology(vcpus / cores, cores, 1), Optional.empty(), Optional.empty(),
                    List.of(), Optional.empty());
        }
        return Cpu.simple(1);
    }

    static Memory memory(List<XmlNode> items) {
        for (XmlNode item : items) {
            if (resourceType(item).equals("4")) {
                Optional<Long> b = OvfUnits.bytes(item.text("VirtualQuantity"),
                        item.text("AllocationUnits").or(() -> Optional.of("byte * 2^20")));
                return Memory.of(b.filter(v -> v > 0).orElse(DEFAULT_MEMORY));
            }
        }
        return Memory.of(DEFAULT_MEMORY);
    }

    /** oVirt {@code BiosType} (1 i440fx SeaBIOS, 2 q35 SeaBIOS, 3 q35 OVMF, 4 q35 secure boot); VMware firmware. */
    static Firmware firmware(XmlNode system, boolean ovirt) {
        if (ovirt) {
            String bios = system.text("BiosType").orElse("1");
            boolean q35 = bios.equals("2") || bios.equals("3") || bios.equals("4");
            boolean uefi = bios.equals("3") || bios.equals("4");
            return new Firmware(uefi ? BootMode.UEFI : BootMode.BIOS, bios.equals("4"), Optional.empty(),
                    Optional.empty(), system.text("CustomEmulatedMachine").or(() -> Optional.of(q35 ? "q35" : "i440fx")),
                    "x86_64");
        }
        Map<String, String> config = new LinkedHashMap<>();
        for (XmlNode hw : sections(system, "VirtualHardwareSection")) {
            for (XmlNode c : hw.children("Config")) {
                c.attr("key").ifPresent(k -> config.put(k, c.attr("value").orElse("")));
            }
        }
        boolean efi = config.getOrDefault("firmware", "bios").equalsIgnoreCase("efi");
        boolean secure = config.getOrDefault("uefi.secureBoot.enabled", "false").equalsIgnoreCase("true");
        Optional<String> type = sections(system, "VirtualHardwareSection").stream()
                .flatMap(h -> h.at("System/VirtualSystemType").flatMap(XmlNode::text).stream()).findFirst();
        return new Firmware(efi ? BootMode.UEFI : BootMode.BIOS, efi && secure, Optional.empty(), Optional.empty(),
                type, "x86_64");
    }

    /** oVirt keeps custom properties as {@code name=value;name=value} strings. */
    static Map<String, String> customProperties(XmlNode system) {
        Map<String, String> out = new LinkedHashMap<>();
        List<XmlNode> holders = new ArrayList<>(List.of(system));
        holders.addAll(system.children("Section"));
        for (XmlNode h : holders) {
            for (String tag : List.of("CustomProperties", "UserDefinedProperties", "PredefinedProperties")) {
                h.text(tag).ifPresent(text -> {
                    for (String pair : text.split(";")) {
                        int eq = pair.indexOf('=');
                        if (eq > 0) {
                            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                        }
                    }
                });
            }
        }
        return out;
    }

    /** vGPUs from the {@code mdev_type} custom property, or from mdev device items (oVirt 4.5+ exports). */
    static List<Gpu> vgpus(String vm, Map<String, String> props, List<XmlNode> items, List<Concern> concerns) {
        List<String[]> requests = new ArrayList<>();
        for (XmlNode item : items) {
            if (item.text("Type").filter("mdev"::equalsIgnoreCase).isPresent()) {
                Optional<String> type = item.text("SpecParams/mdevType");
                boolean display = !item.text("SpecParams/nodisplay").filter("true"::equalsIgnoreCase).isPresent();
                type.ifPresent(t -> requests.add(new String[] {t, Boolean.toString(display),
                        item.text("SpecParams/driverParams").orElse("")}));
            }
        }
        if (requests.isEmpty() && props.containsKey("mdev_type")) {
            List<String> tokens = new ArrayList<>();
            for (String t : props.get("mdev_type").split(",")) {
                if (!t.isBlank()) {
                    tokens.add(t.trim());
                }
            }
            boolean display = tokens.isEmpty() || !tokens.get(0).equalsIgnoreCase("nodisplay");
            tokens.stream().skip(display ? 0 : 1).forEach(t -> requests.add(new String[] {t, Boolean.toString(display), ""}));
        }
        List<Gpu> out = new ArrayList<>();
        for (String[] r : requests) {
            concerns.add(ConcernCode.GPU_TYPE_NAME_UNKNOWN.warningAt("gpus[" + out.size() + "]", "VM " + vm + ": vGPU type "
                    + r[0] + " comes from an OVA, which does not carry the type's name; add a GPU mapping for " + r[0]));
            out.add(new Gpu(GpuKind.VGPU, Optional.empty(), Optional.of(r[0]), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Boolean.parseBoolean(r[1]), false,
                    Optional.of(r[2]).filter(s -> !s.isEmpty())));
        }
        return out;
    }

    static String resourceType(XmlNode item) {
        return item.text("ResourceType").orElse("").toLowerCase(Locale.ROOT);
    }

    static Optional<Integer> positive(Optional<String> s) {
        return s.flatMap(OvfUnits::parse).filter(v -> v > 0 && v <= 100_000).map(Long::intValue);
    }
}
