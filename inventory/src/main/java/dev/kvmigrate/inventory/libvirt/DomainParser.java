package dev.kvmigrate.inventory.libvirt;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Clock;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Cpu;
import dev.kvmigrate.inventory.model.CpuTopology;
import dev.kvmigrate.inventory.model.Features;
import dev.kvmigrate.inventory.model.Firmware;
import dev.kvmigrate.inventory.model.Memory;
import dev.kvmigrate.inventory.model.Placement;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.inventory.model.VcpuPin;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * libvirt domain XML → {@link Vm}, as a pure function of the document and the host's node devices.
 * What cannot be read is left out with a {@code SOURCE_PARSE_PARTIAL} concern; only a domain that cannot be
 * represented at all (no name, no usable memory size, zero vCPUs) is an {@code INVALID_INPUT} error naming
 * the document and field. Source-neutral rules ({@code ModelRules}) are applied by the source afterwards.
 */
public final class DomainParser {
    private static final long DEFAULT_HUGEPAGE = 2L * 1024 * 1024;

    private DomainParser() {}

    /**
     * Parses a domain as {@code virsh dumpxml} prints it: a domain with an {@code id} attribute is running,
     * one without is shut off; no snapshots are known.
     *
     * @param origin names the document in messages (file path, or {@code libvirt domain NAME})
     */
    public static Vm parse(XmlNode domain, NodeDevices devices, String origin) {
        PowerState state = domain.attr("id").filter(id -> !id.equals("-1")).isPresent()
                ? PowerState.RUNNING : PowerState.SHUTOFF;
        return parse(domain, devices, origin, state, 0);
    }

    /** Parses a domain whose power state and snapshot count the source knows. */
    public static Vm parse(XmlNode domain, NodeDevices devices, String origin, PowerState state, int snapshots) {
        if (!"domain".equals(domain.name())) {
            throw KvMigrateException.invalidInput(origin + ": root element is <" + domain.name()
                    + ">, not <domain>; give the output of 'virsh dumpxml'");
        }
        String name = domain.text("name").orElseThrow(() -> KvMigrateException.invalidInput(
                origin + ": <domain> has no <name>; give the output of 'virsh dumpxml'"));
        ParseContext ctx = new ParseContext(origin, name);
        String id = domain.text("uuid").map(u -> u.toLowerCase(Locale.ROOT)).orElse(name);
        Cpu cpu = cpu(domain, ctx);
        Memory memory = memory(domain, ctx);
        Firmware firmware = firmware(domain);
        DeviceParser.Devices dev = DeviceParser.parse(domain, ctx);
        HostdevParser.Assigned assigned = HostdevParser.parse(domain, devices, ctx);
        List<Concern> concerns = ctx.concerns();
        return new Vm(id, name, name, domain.text("title"), domain.text("description"), state, cpu, memory,
                firmware, osHint(domain), features(domain), clock(domain), dev.disks(), dev.nics(), assigned.gpus(),
                assigned.hostDevices(), dev.tpm(), dev.watchdog(), dev.graphics(), dev.video(), Placement.NONE,
                Map.of(), snapshots, concerns);
    }

    static Cpu cpu(XmlNode domain, ParseContext ctx) {
        Optional<XmlNode> vcpu = domain.child("vcpu");
        int max = 1;
        if (vcpu.isPresent()) {
            String raw = vcpu.get().text().orElse("1");
            try {
                max = ParseContext.positiveInt(raw);
            } catch (RuntimeException e) {
                throw ctx.invalid("<vcpu>", "is '" + raw + "', not a vCPU count of at least 1");
            }
        }
        final int maxVcpus = max;
        int vcpus = ctx.lenient(vcpu.flatMap(v -> v.attr("current")), "vcpu@current", ParseContext::positiveInt)
                .map(c -> Math.min(c, maxVcpus)).orElse(max);
        Optional<XmlNode> cpuNode = domain.child("cpu");
        CpuTopology topology = cpuNode.flatMap(c -> c.child("topology")).flatMap(t -> topology(t, ctx))
                .orElse(new CpuTopology(1, max, 1));
        Optional<String> mode = cpuNode.flatMap(c -> c.attr("mode"))
                .or(() -> cpuNode.flatMap(c -> c.child("model")).map(m -> "custom"));
        Optional<String> model = cpuNode.flatMap(c -> c.text("model"));
        List<VcpuPin> pins = new ArrayList<>();
        for (XmlNode pin : domain.all("cputune/vcpupin")) {
            Optional<Integer> n = ctx.lenient(pin.attr("vcpu"), "cputune/vcpupin@vcpu", Integer::parseInt);
            Optional<String> set = pin.attr("cpuset");
            if (n.isPresent() && n.get() >= 0 && set.isPresent()) {
                pins.add(new VcpuPin(n.get(), set.get()));
            } else if (n.isPresent()) {
                ctx.partial("cpu.pinning", "a <vcpupin> without a usable vcpu/cpuset was left out");
            }
        }
        Optional<Integer> shares = ctx.lenient(domain.text("cputune/shares"), "cputune/shares", Integer::parseInt);
        return new Cpu(vcpus, max, topology, mode, model, pins, shares);
    }

    private static Optional<CpuTopology> topology(XmlNode t, ParseContext ctx) {
        try {
            int sockets = ParseContext.positiveInt(t.attr("sockets").orElse("1"));
            int dies = ParseContext.positiveInt(t.attr("dies").orElse("1"));
            int clusters = ParseContext.positiveInt(t.attr("clusters").orElse("1"));
            int cores = ParseContext.positiveInt(t.attr("cores").orElse("1"));
            int threads = ParseContext.positiveInt(t.attr("threads").orElse("1"));
            // Dies (and clusters) have no KubeVirt equivalent: fold them into sockets.
            return Optional.of(new CpuTopology(Math.multiplyExact(Math.multiplyExact(sockets, dies), clusters),
                    cores, threads));
        } catch (RuntimeException e) {
            ctx.partial("cpu.topology", "CPU <topology> is unusable (" + e.getMessage() + "); one socket assumed");
            return Optional.empty();
        }
    }

    static Memory memory(XmlNode domain, ParseContext ctx) {
        Optional<Long> defined = size(domain.child("memory"), "<memory>", ctx, true);
        if (defined.isEmpty()) {
            long cells = 0;
            for (XmlNode cell : domain.all("cpu/numa/cell")) {
                cells += size(Optional.of(cell), "<cpu><numa><cell memory>", ctx, true).orElse(0L);
            }
            if (cells <= 0) {
                throw ctx.invalid("<memory>", "is missing");
            }
            defined = Optional.of(cells);
        }
        if (defined.get() <= 0) {
            throw ctx.invalid("<memory>", "is 0; a VM needs memory");
        }
        Optional<Long> current = size(domain.child("currentMemory"), "<currentMemory>", ctx, false)
                .filter(c -> c > 0);
        Optional<Long> max = size(domain.child("maxMemory"), "<maxMemory>", ctx, false).filter(m -> m > 0);
        Optional<Long> hugepage = Optional.empty();
        Optional<XmlNode> hp = domain.at("memoryBacking/hugepages");
        if (hp.isPresent()) {
            Optional<XmlNode> page = hp.get().child("page");
            hugepage = page.isPresent()
                    ? sizeAttr(page.get(), "size", "memoryBacking/hugepages/page", ctx)
                    // libvirt then uses the host's default huge page size: 2 MiB on x86_64.
                    : Optional.of(DEFAULT_HUGEPAGE);
        }
        int cells = domain.all("cpu/numa/cell").size();
        return new Memory(defined.get(), current, max, Optional.empty(), hugepage,
                domain.attr("numatune/memory", "mode").or(() -> domain.at("numatune/memory").map(m -> "strict")),
                domain.attr("numatune/memory", "nodeset"), cells);
    }

    /** A scaled element: text (or {@code memory} attribute for NUMA cells) with {@code unit}. */
    private static Optional<Long> size(Optional<XmlNode> node, String field, ParseContext ctx, boolean required) {
        if (node.isEmpty()) {
            return Optional.empty();
        }
        XmlNode n = node.get();
        Optional<String> value = n.name().equals("cell") ? n.attr("memory") : n.text();
        if (value.isEmpty()) {
            if (required) {
                throw ctx.invalid(field, "is empty");
            }
            return Optional.empty();
        }
        try {
            return Optional.of(LibvirtUnits.bytes(value.get(), n.attr("unit").orElse(null)));
        } catch (IllegalArgumentException e) {
            if (required) {
                throw ctx.invalid(field, "is unusable: " + e.getMessage());
            }
            ctx.partial("memory", field + " is unusable: " + e.getMessage() + "; left out");
            return Optional.empty();
        }
    }

    private static Optional<Long> sizeAttr(XmlNode n, String attr, String field, ParseContext ctx) {
        Optional<String> v = n.attr(attr);
        if (v.isEmpty()) {
            ctx.partial("memory.hugepageBytes", field + " has no " + attr + "; page size unknown");
            return Optional.empty();
        }
        return ctx.lenient(v, field, s -> LibvirtUnits.bytes(s, n.attr("unit").orElse(null)))
                .filter(b -> b > 0);
    }

    static Firmware firmware(XmlNode domain) {
        Optional<XmlNode> os = domain.child("os");
        Optional<XmlNode> loader = os.flatMap(o -> o.child("loader"));
        Optional<String> loaderPath = loader.flatMap(XmlNode::text);
        boolean efi = os.flatMap(o -> o.attr("firmware")).filter("efi"::equalsIgnoreCase).isPresent()
                || loader.flatMap(l -> l.attr("type")).filter("pflash"::equals).isPresent()
                || loaderPath.map(p -> p.toUpperCase(Locale.ROOT)).filter(DomainParser::uefiImage).isPresent()
                || os.flatMap(o -> o.child("nvram")).isPresent();
        boolean secure = loader.flatMap(l -> l.attr("secure")).filter("yes"::equals).isPresent();
        for (XmlNode feature : os.map(o -> o.all("firmware/feature")).orElse(List.of())) {
            if (feature.attr("name").filter("secure-boot"::equals).isPresent()) {
                secure = feature.attr("enabled").filter("yes"::equals).isPresent();
            }
        }
        Optional<XmlNode> type = os.flatMap(o -> o.child("type"));
        Optional<String> nvram = os.flatMap(o -> o.child("nvram"))
                .flatMap(n -> n.text().or(() -> n.attr("template").map(t -> "(from template) " + t)));
        return new Firmware(efi ? BootMode.UEFI : BootMode.BIOS, efi && secure, loaderPath, nvram,
                type.flatMap(t -> t.attr("machine")), type.flatMap(t -> t.attr("arch")).orElse("x86_64"));
    }

    private static boolean uefiImage(String upperPath) {
        return upperPath.contains("OVMF") || upperPath.contains("AAVMF") || upperPath.contains("EDK2")
                || upperPath.contains("UEFI") || upperPath.endsWith("QEMU_EFI.FD");
    }

    static Optional<String> osHint(XmlNode domain) {
        return domain.at("metadata/libosinfo/os").flatMap(os -> os.attr("id"));
    }

    static Features features(XmlNode domain) {
        Optional<XmlNode> f = domain.child("features");
        if (f.isEmpty()) {
            return Features.NONE;
        }
        boolean smm = f.get().child("smm").map(s -> !s.attr("state").filter("off"::equals).isPresent())
                .orElse(false);
        Map<String, String> hyperv = new LinkedHashMap<>();
        f.get().child("hyperv").ifPresent(h -> {
            for (XmlNode e : h.children()) {
                String state = e.attr("state").orElse("on");
                hyperv.put(e.name(), state.equals("off") ? "off"
                        : e.attr("retries").or(() -> e.attr("value")).orElse(state));
            }
        });
        return new Features(f.get().child("acpi").isPresent(), f.get().child("apic").isPresent(), smm, hyperv);
    }

    static Clock clock(XmlNode domain) {
        Optional<XmlNode> c = domain.child("clock");
        if (c.isEmpty()) {
            return Clock.UTC;
        }
        List<String> timers = new ArrayList<>();
        for (XmlNode t : c.get().children("timer")) {
            if (!t.attr("present").filter("no"::equals).isPresent()) {
                t.attr("name").ifPresent(timers::add);
            }
        }
        return new Clock(c.get().attr("offset").orElse("utc"), c.get().attr("timezone"), timers);
    }
}
