package dev.kvmigrate.plans.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.converter.gpu.GpuResourceNames;
import dev.kvmigrate.inventory.concern.KubernetesName;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Nic;
import dev.kvmigrate.inventory.model.Vm;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A starting plan from an inventory: every VM selected, network/storage/GPU maps pre-filled with what the scan
 * found, and a comment on each derived GPU name saying how the NVIDIA device plugin names it. A pure function:
 * the caller writes the text.
 */
public final class PlanInit {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]*");
    private static final Set<String> YAML_WORDS = Set.of("true", "false", "null", "yes", "no", "on", "off", "y", "n",
            "~");
    private static final ObjectMapper JSON = Mappers.json();

    private PlanInit() {}

    /**
     * The plan text.
     *
     * @param planDir the directory the plan will be written to (relative source paths are made against it)
     */
    public static String yaml(Inventory inv, Path planDir, String planName) {
        StringBuilder y = new StringBuilder();
        y.append("# Starting plan made by `kv-migrate plan init` from a ").append(inv.source().kind())
                .append(" inventory").append(inv.scannedAt().map(t -> " scanned " + t).orElse("")).append(".\n")
                .append("# Review the maps, then: kv-migrate plan validate PLAN; kv-migrate plan run PLAN --dry-run\n")
                .append("apiVersion: ").append(MigrationPlan.API_VERSION).append('\n')
                .append("kind: ").append(MigrationPlan.KIND).append('\n')
                .append("metadata:\n  name: ").append(q(KubernetesName.of(planName))).append('\n');
        source(y, inv, planDir);
        y.append("target: dir:out/              # or: target: {cluster: {context: CTX, namespace: NS}}\n");
        y.append("vms:\n  names:\n");
        inv.vms().forEach(vm -> y.append("  - ").append(q(vm.name())).append('\n'));
        y.append("mappings:\n");
        networks(y, inv);
        storage(y, inv);
        gpus(y, inv);
        y.append("options:\n")
                .append("  concurrency: 2\n")
                .append("  compression: auto            # auto | zstd | gzip | none\n")
                .append("  runningVm: {policy: refuse}  # or {policy: shutdown, timeout: 5m}\n")
                .append("  startAfterImport: false\n")
                .append("  keepMacs: true\n");
        return y.toString();
    }

    private static void source(StringBuilder y, Inventory inv, Path planDir) {
        String loc = inv.source().location();
        y.append("source:\n");
        switch (inv.source().kind()) {
            case LIBVIRT -> y.append("  libvirt: ").append(q(loc)).append('\n');
            case OVIRT -> y.append("  ovirt:\n    url: ").append(q(loc)).append('\n')
                    .append("    user: admin@internal          # the engine user\n")
                    .append("    passwordEnv: OVIRT_PASSWORD   # or passwordFile: FILE; never the password itself\n");
            case OVA -> y.append("  ova: ").append(q(relative(planDir, loc))).append('\n');
            case XML_DUMP -> y.append("  xmlDir: ").append(q(relative(planDir, loc))).append('\n');
            default -> throw new IllegalArgumentException("unknown source kind " + inv.source().kind());
        }
    }

    private static String relative(Path planDir, String location) {
        Path p = Path.of(location).toAbsolutePath().normalize();
        Path base = planDir.toAbsolutePath().normalize();
        try {
            String r = base.relativize(p).toString();
            return r.isEmpty() ? "." : r;
        } catch (IllegalArgumentException e) {
            return p.toString();
        }
    }

    private static void networks(StringBuilder y, Inventory inv) {
        Map<String, Integer> uses = new TreeMap<>();
        for (Vm vm : inv.vms()) {
            for (Nic nic : vm.nics()) {
                if (!nic.network().isEmpty()) {
                    uses.merge(nic.network(), 1, Integer::sum);
                }
            }
        }
        if (uses.isEmpty()) {
            return;
        }
        String pod = uses.containsKey("default") ? "default"
                : uses.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey();
        y.append("  networks:                     # source network → pod | bridge | sriov (+ nad: NS/NAME)\n");
        uses.forEach((net, n) -> {
            y.append("    ").append(q(net)).append(": ");
            if (net.equals(pod)) {
                y.append("{type: pod}");
            } else {
                y.append("{type: bridge, nad: ").append(q(KubernetesName.of(net))).append('}');
            }
            y.append("   # ").append(n).append(n == 1 ? " NIC" : " NICs")
                    .append(net.equals(pod) ? "" : "; check the NetworkAttachmentDefinition name").append('\n');
        });
    }

    private static void storage(StringBuilder y, Inventory inv) {
        Set<String> pools = new TreeSet<>();
        Map<String, String> unknownSize = new LinkedHashMap<>();
        for (Vm vm : inv.vms()) {
            for (Disk d : vm.disks()) {
                d.source().pool().ifPresent(pools::add);
                if (d.device() == DiskDevice.DISK && d.virtualSize().isEmpty()) {
                    unknownSize.put(vm.name() + "/" + d.target(), d.source().location());
                }
            }
        }
        y.append("  storage:\n    default: {}                 # {storageClassName: SC, accessModes: [ReadWriteOnce],"
                + " volumeMode: Block}; absent = cluster default\n");
        if (!pools.isEmpty()) {
            y.append("    pools:                      # per source storage pool / storage domain\n");
            pools.forEach(p -> y.append("      ").append(q(p)).append(": {}\n"));
        }
        if (!unknownSize.isEmpty()) {
            y.append("    # disks whose size the scan could not read: make the image readable, or give a size:\n");
            unknownSize.forEach((k, loc) -> y.append("    # disks: {").append(q(k)).append(": {size: 20Gi}}   # ")
                    .append(loc).append('\n'));
        }
    }

    private static void gpus(StringBuilder y, Inventory inv) {
        Map<String, String[]> entries = new TreeMap<>();
        for (Vm vm : inv.vms()) {
            for (Gpu g : vm.gpus()) {
                Optional<String[]> e = gpuEntry(g);
                e.ifPresent(v -> entries.putIfAbsent(v[0], v));
                if (e.isEmpty()) {
                    // an SR-IOV vGPU is matched by its profile or its VF's vendor:device (docs/mappings.md)
                    String key = (g.kind() == GpuKind.SRIOV_VGPU ? g.mdevTypeName().or(g::vendorDevice)
                            : g.mdevType().or(g::vendorDevice)).orElse("?");
                    entries.putIfAbsent(key, new String[] {key, null, "VM " + vm.name() + ": "
                            + describe(g) + " — the device plugin's name cannot be derived; add `" + key
                            + ": RESOURCE` with the name the target advertises"});
                }
            }
        }
        if (entries.isEmpty()) {
            return;
        }
        y.append("  gpus:                         # mdev type id | type name | vendor:device → resource name\n");
        entries.values().forEach(e -> {
            y.append("    # ").append(e[2]).append('\n');
            y.append(e[1] == null ? "    # " : "    ").append(q(e[0])).append(": ")
                    .append(e[1] == null ? "RESOURCE" : q(e[1])).append('\n');
        });
    }

    /** {key, resource, comment} for a GPU whose name derives, else empty. */
    static Optional<String[]> gpuEntry(Gpu g) {
        if (g.kind() == GpuKind.SRIOV_VGPU) {
            // KubeVirt's PCI plugin serves the VF under a name the admin chooses: nothing to derive
            return Optional.empty();
        }
        if (g.kind() == GpuKind.VGPU) {
            if (g.mdevTypeName().isEmpty()) {
                return Optional.empty();
            }
            String key = g.mdevType().orElse(g.mdevTypeName().get());
            String res = GpuResourceNames.vgpu(g.mdevTypeName().get());
            return Optional.of(new String[] {key, res, describe(g) + " → " + res
                    + " (NVIDIA device plugin: type name, spaces → _)"});
        }
        if (g.vendorDevice().isEmpty() || !g.vendorId().get().equals("10de")) {
            return Optional.empty();
        }
        String key = g.vendorDevice().get();
        if (g.productName().isPresent()) {
            String res = GpuResourceNames.passthrough(g.productName().get());
            return Optional.of(new String[] {key, res, describe(g) + " → " + res
                    + " (NVIDIA device plugin: pci.ids product name upper-cased, / . and spaces → _, other"
                    + " symbols dropped)"});
        }
        String res = GpuResourceNames.bareDeviceId(g.deviceId().get());
        return Optional.of(new String[] {key, res, describe(g) + " → " + res
                + " (NVIDIA device plugin: product not in its pci.ids, so the bare device id)"});
    }

    private static String describe(Gpu g) {
        if (g.kind() == GpuKind.SRIOV_VGPU) {
            return "SR-IOV vGPU VF " + g.vendorDevice().orElse("?") + g.pciAddress().map(a -> " at " + a).orElse("")
                    + g.mdevTypeName().map(n -> " \"" + n + "\"").orElse(" (profile unknown)");
        }
        if (g.kind() == GpuKind.VGPU) {
            return "vGPU " + g.mdevType().orElse("(type id unknown)")
                    + g.mdevTypeName().map(n -> " \"" + n + "\"").orElse("");
        }
        return "PCI " + g.vendorDevice().orElse("?") + g.productName().map(n -> " \"" + n + "\"").orElse("");
    }

    /** A YAML scalar: plain when safe, else double-quoted (JSON string syntax is valid YAML). */
    static String q(String s) {
        if (PLAIN.matcher(s).matches() && !YAML_WORDS.contains(s.toLowerCase(Locale.ROOT))
                && !s.matches("[0-9.eE+-]+")) {
            return s;
        }
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
