package dev.kvmigrate.inventory.libvirt;

import dev.kvmigrate.inventory.xml.XmlNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The host's node devices ({@code virsh nodedev-dumpxml} documents), indexed for GPU resolution: mediated
 * devices by name and by the UUID inside their {@code mdev} capability, PCI devices by name and by address.
 * Immutable once built; build it once per scan.
 */
public final class NodeDevices {
    /** Product names of NVIDIA functions that are not GPUs: a board's audio, USB-C and UCSI functions. */
    private static final Pattern NOT_A_GPU = Pattern.compile("(?i).*(audio|usb|ucsi).*");

    /** No node devices at all (an XML dump without node-device files). */
    public static final NodeDevices NONE = new NodeDevices(Map.of(), Map.of(), Map.of(), Map.of());

    private final Map<String, Mdev> mdevsByName;
    private final Map<String, Mdev> mdevsByUuid;
    private final Map<String, Pci> pciByName;
    private final Map<String, Pci> pciByAddress;

    private NodeDevices(Map<String, Mdev> mdevsByName, Map<String, Mdev> mdevsByUuid, Map<String, Pci> pciByName,
            Map<String, Pci> pciByAddress) {
        this.mdevsByName = mdevsByName;
        this.mdevsByUuid = mdevsByUuid;
        this.pciByName = pciByName;
        this.pciByAddress = pciByAddress;
    }

    /**
     * A mediated device.
     *
     * @param name node device name ({@code mdev_<uuid>} or {@code mdev_<uuid>_0000_3b_00_0})
     * @param uuid the UUID, lower case: from {@code <uuid>}, else from the name
     * @param typeId the mdev type id ({@code nvidia-230}), when given
     * @param parent the parent node device name, when given
     * @param attrs vendor attributes ({@code <attr name value>}), in document order
     */
    public record Mdev(String name, String uuid, Optional<String> typeId, Optional<String> parent,
            Map<String, String> attrs) {}

    /**
     * A PCI device.
     *
     * @param name node device name ({@code pci_0000_3b_00_0})
     * @param address {@code 0000:3b:00.0}, when the capability gives domain/bus/slot/function
     * @param vendorId {@code 10de}, when given
     * @param productId {@code 1eb8}, when given
     * @param vendorName {@code NVIDIA Corporation}, when given
     * @param productName {@code TU104GL [Tesla T4]}, when given
     * @param pciClass {@code 0x030200}, when given (libvirt before 6.x prints none)
     * @param mdevTypes mdev type id → type name, from the {@code mdev_types} capability
     * @param physFunction for a virtual function: the address of its physical function, from
     *     {@code <capability type='phys_function'>}
     * @param virtFunctions for a physical function with SR-IOV on: its VFs' addresses, from
     *     {@code <capability type='virt_functions'>}
     */
    public record Pci(String name, Optional<String> address, Optional<String> vendorId, Optional<String> productId,
            Optional<String> vendorName, Optional<String> productName, Optional<String> pciClass,
            Map<String, String> mdevTypes, Optional<String> physFunction, List<String> virtFunctions) {
        /** Vendor 0x10de with a display class (0x03xxxx). */
        public boolean isNvidiaDisplay() {
            return isNvidia() && pciClass.filter(NodeDevices::displayClass).isPresent();
        }

        /**
         * A GPU recognised without a class (libvirt before 6.x): vendor 0x10de, function 0, and a product name
         * that is not one of a board's other functions (HDMI audio, USB, UCSI). A function 0 without a product
         * name is taken for a GPU too: NVIDIA boards put the GPU at function 0.
         */
        public boolean isNvidiaGpuWithoutClass() {
            return isNvidia() && pciClass.isEmpty() && address.filter(a -> a.endsWith(".0")).isPresent()
                    && productName.filter(n -> NOT_A_GPU.matcher(n).matches()).isEmpty();
        }

        /** Vendor 0x10de. */
        public boolean isNvidia() {
            return vendorId.filter("10de"::equals).isPresent();
        }
    }

    /** Indexes {@code <device>} documents; elements of any other kind are ignored. */
    public static NodeDevices of(List<XmlNode> devices) {
        Map<String, Mdev> byName = new LinkedHashMap<>();
        Map<String, Mdev> byUuid = new LinkedHashMap<>();
        Map<String, Pci> pciByName = new LinkedHashMap<>();
        Map<String, Pci> pciByAddress = new LinkedHashMap<>();
        for (XmlNode device : devices) {
            if (!"device".equals(device.name())) {
                continue;
            }
            Optional<String> name = device.text("name");
            if (name.isEmpty()) {
                continue;
            }
            Optional<String> parent = device.text("parent");
            for (XmlNode cap : device.children("capability")) {
                String type = cap.attr("type").orElse("");
                if (type.equals("mdev")) {
                    Mdev m = mdev(name.get(), parent, cap);
                    byName.put(m.name(), m);
                    byUuid.putIfAbsent(m.uuid(), m);
                } else if (type.equals("pci")) {
                    Pci p = pci(name.get(), cap);
                    // The same name twice (dumps taken at different times): keep the one that lists mdev types.
                    Pci seen = pciByName.get(p.name());
                    if (seen == null || (seen.mdevTypes().isEmpty() && !p.mdevTypes().isEmpty())) {
                        pciByName.put(p.name(), p);
                    }
                    p.address().ifPresent(a -> pciByAddress.putIfAbsent(a, p));
                }
            }
        }
        return new NodeDevices(Map.copyOf(byName), Map.copyOf(byUuid), Map.copyOf(pciByName),
                Map.copyOf(pciByAddress));
    }

    /** Number of indexed mediated and PCI devices. */
    public int size() {
        return mdevsByName.size() + pciByName.size();
    }

    /**
     * The mediated device of a UUID: node device {@code mdev_<uuid with _>} first, else any mdev whose
     * capability carries that UUID (NVIDIA hosts name them {@code mdev_<uuid>_<parent address>}).
     */
    public Optional<Mdev> mdev(String uuid) {
        String u = uuid.trim().toLowerCase(Locale.ROOT);
        Mdev byName = mdevsByName.get("mdev_" + u.replace('-', '_'));
        if (byName != null) {
            return Optional.of(byName);
        }
        return Optional.ofNullable(mdevsByUuid.get(u));
    }

    /** A PCI device by node-device name. */
    public Optional<Pci> pciByName(String name) {
        return Optional.ofNullable(pciByName.get(name));
    }

    /**
     * The name of an mdev type from any PCI device that offers it ({@code nvidia-22} → {@code GRID M60-8Q}):
     * for a vGPU whose mdev is gone but whose type is known from elsewhere. Devices are asked in name order.
     */
    public Optional<String> mdevTypeName(String typeId) {
        return pciByName.values().stream().sorted(Comparator.comparing(Pci::name))
                .map(p -> p.mdevTypes().get(typeId)).filter(Objects::nonNull).findFirst();
    }

    /**
     * The physical function of a virtual function: from its own {@code phys_function} capability, else the PF
     * whose {@code virt_functions} lists its address (a dump of the PF without the VF's capability). Empty for a
     * device that is no VF.
     */
    public Optional<String> physFunction(Pci device) {
        if (device.physFunction().isPresent() || device.address().isEmpty()) {
            return device.physFunction();
        }
        String address = device.address().get();
        return pciByName.values().stream().sorted(Comparator.comparing(Pci::name))
                .filter(pf -> pf.virtFunctions().contains(address)).map(Pci::address).flatMap(Optional::stream)
                .findFirst();
    }

    /** A PCI device by address {@code 0000:3b:00.0}: node device {@code pci_0000_3b_00_0}, else by its capability. */
    public Optional<Pci> pciByAddress(String address) {
        String a = address.toLowerCase(Locale.ROOT);
        Pci p = pciByName.get("pci_" + a.replace(':', '_').replace('.', '_'));
        return p != null ? Optional.of(p) : Optional.ofNullable(pciByAddress.get(a));
    }

    static boolean displayClass(String pciClass) {
        String c = pciClass.trim().toLowerCase(Locale.ROOT);
        if (c.startsWith("0x")) {
            c = c.substring(2);
        }
        while (c.length() < 6) {
            c = "0" + c;
        }
        return c.startsWith("03");
    }

    private static Mdev mdev(String name, Optional<String> parent, XmlNode cap) {
        String uuid = cap.text("uuid").map(s -> s.toLowerCase(Locale.ROOT)).orElseGet(() -> uuidFromName(name));
        Map<String, String> attrs = new LinkedHashMap<>();
        for (XmlNode a : cap.children("attr")) {
            a.attr("name").ifPresent(n -> attrs.put(n, a.attr("value").orElse("")));
        }
        return new Mdev(name, uuid, cap.attr("type", "id"), parent, Map.copyOf(attrs));
    }

    /** {@code mdev_c2177883_f1bb_47f0_914d_32a22e3a8804[_suffix]} → the UUID, or the bare name when it has none. */
    private static String uuidFromName(String name) {
        String rest = name.startsWith("mdev_") ? name.substring(5) : name;
        String[] parts = rest.split("_");
        if (parts.length >= 5) {
            String candidate = String.join("-", parts[0], parts[1], parts[2], parts[3], parts[4]);
            if (candidate.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
                return candidate.toLowerCase(Locale.ROOT);
            }
        }
        return rest.toLowerCase(Locale.ROOT);
    }

    private static Pci pci(String name, XmlNode cap) {
        Map<String, String> types = new LinkedHashMap<>();
        Optional<String> physFunction = Optional.empty();
        List<String> virtFunctions = new ArrayList<>();
        for (XmlNode sub : cap.children("capability")) {
            String subType = sub.attr("type").orElse("");
            if (subType.equals("phys_function")) {
                physFunction = sub.child("address").flatMap(HostdevParser::pciAddress);
            } else if (subType.equals("virt_functions")) {
                sub.children("address").forEach(a -> HostdevParser.pciAddress(a).ifPresent(virtFunctions::add));
            } else if (subType.equals("mdev_types")) {
                for (XmlNode t : sub.children("type")) {
                    Optional<String> id = t.attr("id");
                    Optional<String> typeName = t.text("name");
                    if (id.isPresent() && typeName.isPresent()) {
                        types.put(id.get(), typeName.get());
                    }
                }
            }
        }
        return new Pci(name, address(cap), cap.attr("vendor", "id").map(NodeDevices::hex),
                cap.attr("product", "id").map(NodeDevices::hex), cap.text("vendor"), cap.text("product"),
                cap.text("class"), Map.copyOf(types), physFunction, List.copyOf(virtFunctions));
    }

    /** Domain/bus/slot/function (decimal in node devices, hex with 0x in domain XML) → {@code 0000:3b:00.0}. */
    private static Optional<String> address(XmlNode cap) {
        try {
            Optional<String> d = cap.text("domain");
            Optional<String> b = cap.text("bus");
            Optional<String> s = cap.text("slot");
            Optional<String> f = cap.text("function");
            if (d.isEmpty() || b.isEmpty() || s.isEmpty() || f.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(pciAddress(number(d.get()), number(b.get()), number(s.get()), number(f.get())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code 0x3b} (hex) or {@code 59} (decimal) → 59. */
    static int number(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        return t.startsWith("0x") ? Integer.parseInt(t.substring(2), 16) : Integer.parseInt(t);
    }

    static String pciAddress(int domain, int bus, int slot, int function) {
        return String.format(Locale.ROOT, "%04x:%02x:%02x.%x", domain, bus, slot, function);
    }

    private static String hex(String id) {
        String s = id.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("0x")) {
            s = s.substring(2);
        }
        while (s.length() < 4) {
            s = "0" + s;
        }
        return s;
    }
}
