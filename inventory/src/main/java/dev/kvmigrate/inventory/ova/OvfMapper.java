package dev.kvmigrate.inventory.ova;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Cpu;
import dev.kvmigrate.inventory.model.CpuTopology;
import dev.kvmigrate.inventory.model.Features;
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
 * Maps an OVF envelope to VMs: DMTF/VMware style ({@code VirtualSystem}, also nested in
 * {@code VirtualSystemCollection}s; OVF 0.9 {@code Content} elements; {@code VirtualHardwareSection} with
 * {@code vmw:Config} keys) and oVirt/RHV exports ({@code Content xsi:type="ovf:VirtualSystem_Type"} with
 * {@code BiosType}, custom properties with {@code mdev_type}). Hardware items are read in one deployment
 * configuration ({@link OvfDeployment}); VMware PCI items become GPUs and host devices ({@link VmwarePassthrough}).
 * Pure: the disk images are looked up through the function given.
 */
final class OvfMapper {
    private static final int DEFAULT_VCPUS = 1;
    private static final long DEFAULT_MEMORY = 1L << 30;

    private OvfMapper() {}

    /** The VMs of {@code envelope}, read in the OVF's default deployment configuration. */
    static List<Vm> map(XmlNode envelope, String location, Function<String, Optional<DiskImage>> images) {
        return map(envelope, location, images, Optional.empty());
    }

    /**
     * The VMs of {@code envelope}, read in the deployment configuration {@code configuration} (the OVF's default
     * when empty). A document that is not an OVF envelope, an OVF without any virtual system and an unknown
     * configuration are INVALID_INPUT errors naming {@code location}.
     */
    static List<Vm> map(XmlNode envelope, String location, Function<String, Optional<DiskImage>> images,
            Optional<String> configuration) {
        if (!envelope.name().equals("Envelope")) {
            throw KvMigrateException.invalidInput(location + " is not an OVF descriptor: its root element is <"
                    + envelope.name() + ">, not <Envelope>; give the .ovf an OVA export wrote");
        }
        List<XmlNode> systems = systems(envelope);
        if (systems.isEmpty()) {
            throw KvMigrateException.invalidInput(location + " describes no virtual machine (no VirtualSystem"
                    + " element); it holds nothing to migrate, export the VM again");
        }
        OvfDeployment deployment = OvfDeployment.of(envelope, configuration, location);
        List<Vm> out = new ArrayList<>();
        for (XmlNode system : systems) {
            out.add(vm(envelope, system, location, images, deployment));
        }
        return out;
    }

    /**
     * VirtualSystem elements, also inside (nested) VirtualSystemCollections, and OVF 0.9 / oVirt {@code Content}
     * elements, whose {@code xsi:type} says whether they are a system or a collection.
     */
    static List<XmlNode> systems(XmlNode parent) {
        List<XmlNode> out = new ArrayList<>();
        for (XmlNode child : parent.children()) {
            boolean collection = child.name().equals("VirtualSystemCollection") || (child.name().equals("Content")
                    && child.attr("type").filter(t -> t.endsWith("VirtualSystemCollection_Type")).isPresent());
            if (collection) {
                out.addAll(systems(child));
            } else if (child.name().equals("VirtualSystem") || child.name().equals("Content")) {
                out.add(child);
            }
        }
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

    private static Vm vm(XmlNode envelope, XmlNode system, String location,
            Function<String, Optional<DiskImage>> images, OvfDeployment deployment) {
        String name = system.text("Name").or(() -> system.attr("id")).orElse("ova-vm");
        String id = system.attr("id").orElse(name);
        List<XmlNode> allItems = sections(system, "VirtualHardwareSection").stream()
                .flatMap(h -> h.children("Item").stream()).toList();
        List<XmlNode> items = allItems.stream().filter(deployment::applies).toList();
        List<Concern> concerns = new ArrayList<>();
        deployment.chosen().filter(c -> deployment.ids().size() > 1).ifPresent(c -> concerns.add(
                ConcernCode.OVF_CONFIGURATION_CHOSEN.of("VM " + name + ": the OVF offers the deployment"
                        + " configurations " + String.join(", ", deployment.ids()) + "; CPU, memory, disks and NICs"
                        + " are those of '" + c + "'" + (deployment.requested() ? " (--ovf-config)"
                                : " (its default); pick another with --ovf-config NAME"))));
        OvfHardware.Devices devices = OvfHardware.devices(envelope, allItems, deployment::applies, images, concerns);
        Map<String, String> props = customProperties(system);
        boolean ovirt = system.name().equals("Content") && (system.child("BiosType").isPresent()
                || system.child("TemplateId").isPresent() || system.child("VmType").isPresent());
        List<Gpu> gpus = new ArrayList<>(vgpus(name, props, items, concerns));
        VmwarePassthrough.Devices pci = VmwarePassthrough.map(name, items, gpus.size());
        gpus.addAll(pci.gpus());
        concerns.addAll(pci.concerns());
        Optional<String> os = sections(system, "OperatingSystemSection").stream().findFirst()
                .flatMap(s -> ovirt ? s.text("Description") : s.attr("osType").or(() -> s.text("Description")));
        Firmware firmware = firmware(system, ovirt);
        // Secure boot runs with SMM on both exporters (VMware's EFI, oVirt's q35_secure_boot); the OVF implies it.
        Features features = firmware.secureBoot() ? new Features(false, false, true, Map.of()) : Features.NONE;
        return new Vm(id, name, location, Optional.empty(), system.text("Description"), PowerState.SHUTOFF,
                cpu(name, items, concerns), memory(name, items, concerns), firmware, os, features, null,
                devices.disks(), devices.nics(), gpus, pci.hostDevices(), Optional.empty(), Optional.empty(),
                List.of(), devices.video(), null, props, 0, concerns);
    }

    /** The CPU item (type 3); without a usable one, 1 vCPU and a concern saying so. */
    static Cpu cpu(String vm, List<XmlNode> items, List<Concern> concerns) {
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
            Optional<Integer> quantity = positive(item.text("VirtualQuantity"));
            if (quantity.isEmpty()) {
                concerns.add(defaulted(vm, "cpu", "its CPU item gives no vCPU count (VirtualQuantity '"
                        + item.text("VirtualQuantity").orElse("") + "')", DEFAULT_VCPUS + " vCPU"));
            }
            int vcpus = quantity.orElse(DEFAULT_VCPUS);
            int cores = positive(item.text("CoresPerSocket")).filter(c -> vcpus % c == 0).orElse(vcpus);
            return new Cpu(vcpus, 0, new CpuTopology(vcpus / cores, cores, 1), Optional.empty(), Optional.empty(),
                    List.of(), Optional.empty());
        }
        concerns.add(defaulted(vm, "cpu", "the OVF has no CPU item (ResourceType 3)", DEFAULT_VCPUS + " vCPU"));
        return Cpu.simple(DEFAULT_VCPUS);
    }

    /** The memory item (type 4); without a usable one, 1 GiB and a concern saying so. */
    static Memory memory(String vm, List<XmlNode> items, List<Concern> concerns) {
        for (XmlNode item : items) {
            if (resourceType(item).equals("4")) {
                Optional<Long> b = OvfUnits.bytes(item.text("VirtualQuantity"),
                        item.text("AllocationUnits").or(() -> Optional.of("byte * 2^20"))).filter(v -> v > 0);
                if (b.isEmpty()) {
                    concerns.add(defaulted(vm, "memory", "its memory item gives no size (VirtualQuantity '"
                            + item.text("VirtualQuantity").orElse("") + "', AllocationUnits '"
                            + item.text("AllocationUnits").orElse("") + "')", "1 GiB"));
                }
                return Memory.of(b.orElse(DEFAULT_MEMORY));
            }
        }
        concerns.add(defaulted(vm, "memory", "the OVF has no memory item (ResourceType 4)", "1 GiB"));
        return Memory.of(DEFAULT_MEMORY);
    }

    private static Concern defaulted(String vm, String field, String why, String used) {
        return ConcernCode.OVF_HARDWARE_DEFAULTED.at(field, "VM " + vm + ": " + why + "; " + used
                + " is used, check the VM's size and set it on the target if it needs more");
    }

    /**
     * oVirt {@code BiosType} (1 i440fx SeaBIOS, 2 q35 SeaBIOS, 3 q35 OVMF, 4 q35 secure boot); VMware's
     * {@code firmware} key ({@code efi}) and secure boot ({@code bootOptions.efiSecureBootEnabled}, or
     * {@code uefi.secureBoot.enabled} as other exporters write it), as {@code vmw:Config} or {@code vmw:ExtraConfig}.
     */
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
            for (XmlNode c : hw.children()) {
                if (c.name().equals("Config") || c.name().equals("ExtraConfig")) {
                    c.attr("key").ifPresent(k -> config.putIfAbsent(k, c.attr("value").orElse("")));
                }
            }
        }
        boolean efi = config.getOrDefault("firmware", "bios").equalsIgnoreCase("efi");
        boolean secure = config.getOrDefault("bootOptions.efiSecureBootEnabled", "false").equalsIgnoreCase("true")
                || config.getOrDefault("uefi.secureBoot.enabled", "false").equalsIgnoreCase("true");
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
