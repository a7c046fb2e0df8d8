package dev.kvmigrate.converter.gpu;

import dev.kvmigrate.converter.gpu.dra.DraFit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether a cluster has the devices a set of VMs asks for, taking the VMs in order: device-plugin resources against
 * the allocatable counts of the node pool each VM may run in (all nodes, or those its {@code nodeSelector} names),
 * DRA requests against the devices ResourceSlices publish ({@link DraFit}: DeviceClass and request selectors
 * evaluated with CEL). The VMs past the capacity are short; each shortfall names the pool and the counts. Pure.
 */
public final class GpuCapacity {
    private GpuCapacity() {}

    /**
     * What one VM needs.
     *
     * @param vm the VM's name
     * @param plugin device-plugin resource names, one entry per device
     * @param nodeSelector the VM's node selector (its node group); empty: any node
     * @param dra its DRA requests
     */
    public record Need(String vm, List<String> plugin, Map<String, String> nodeSelector, List<DraFit.Demand> dra) {
        public Need {
            Objects.requireNonNull(vm, "vm");
            plugin = List.copyOf(plugin);
            nodeSelector = Map.copyOf(nodeSelector);
            dra = List.copyOf(dra);
        }
    }

    /** A VM the cluster cannot serve, and why (pool, counts). */
    public record Shortfall(String vm, String message) {}

    /** The shortfalls, in VM order; at most one per VM and resource. */
    public static List<Shortfall> check(List<Need> needs, ClusterGpus cluster) {
        List<Shortfall> out = new ArrayList<>();
        out.addAll(plugin(needs, cluster));
        out.addAll(dra(needs, cluster));
        return out;
    }

    /** The need of one converted VM: its device-plugin names, its node group, its DRA requests. */
    public static Need of(String vm, List<DeviceRequest> devices) {
        List<String> plugin = new ArrayList<>();
        List<DraFit.Demand> dra = new ArrayList<>();
        List<DeviceRequest> gpus = devices.stream().filter(DeviceRequest::isGpu).toList();
        for (int i = 0; i < gpus.size(); i++) {
            DeviceRequest g = gpus.get(i);
            if (g.isDra()) {
                dra.add(new DraFit.Demand(vm, DraClaims.requestName(i), g.resource(),
                        List.of(g.draSelector().orElseThrow()), 1));
            }
        }
        for (DeviceRequest d : devices) {
            if (!d.isDra()) {
                plugin.add(d.resource());
            }
        }
        return new Need(vm, plugin, NodePinning.of(devices).labels(), dra);
    }

    private record Pool(String resource, Map<String, String> selector) {}

    private static List<Shortfall> plugin(List<Need> needs, ClusterGpus cluster) {
        Map<Pool, Long> requested = new LinkedHashMap<>();
        for (Need n : needs) {
            n.plugin().forEach(r -> requested.merge(new Pool(r, n.nodeSelector()), 1L, Long::sum));
        }
        Map<Pool, Long> taken = new LinkedHashMap<>();
        List<Shortfall> out = new ArrayList<>();
        for (Need n : needs) {
            Set<Pool> shortHere = new LinkedHashSet<>();
            for (String r : n.plugin()) {
                Pool pool = new Pool(r, n.nodeSelector());
                long have = available(pool, cluster);
                if (taken.merge(pool, 1L, Long::sum) > have) {
                    shortHere.add(pool);
                }
            }
            for (Pool pool : shortHere) {
                long want = requested.get(pool);
                long have = available(pool, cluster);
                out.add(new Shortfall(n.vm(), "VM " + n.vm() + " needs " + pool.resource() + ", but "
                        + describe(pool, cluster) + " offer " + have + " allocatable for the " + want
                        + " the set requests: shortfall " + (want - have) + " (this VM and the ones after it go"
                        + " without; add nodes with that device or migrate fewer VMs)"));
            }
        }
        return out;
    }

    private static long available(Pool pool, ClusterGpus cluster) {
        return cluster.nodes().stream().filter(n -> n.matches(pool.selector()))
                .mapToLong(n -> n.allocatable().getOrDefault(pool.resource(), 0L)).sum();
    }

    /** {@code the nodes labelled a=b (gpu-1, gpu-2)} or {@code the cluster's nodes (gpu-1)}. */
    private static String describe(Pool pool, ClusterGpus cluster) {
        List<String> with = cluster.nodes().stream().filter(n -> n.matches(pool.selector()))
                .filter(n -> n.allocatable().getOrDefault(pool.resource(), 0L) > 0).map(ClusterGpus.GpuNode::name)
                .sorted().toList();
        String nodes = with.isEmpty() ? "none advertises it" : String.join(", ", with);
        return pool.selector().isEmpty() ? "the cluster's nodes (" + nodes + ")"
                : "the node pool labelled " + pool.selector().entrySet().stream().map(e -> e.getKey() + "="
                        + e.getValue()).sorted().collect(Collectors.joining(",")) + " (" + nodes + ")";
    }

    private static List<Shortfall> dra(List<Need> needs, ClusterGpus cluster) {
        List<DraFit.Demand> demands = needs.stream().flatMap(n -> n.dra().stream()).toList();
        if (demands.isEmpty()) {
            return List.of();
        }
        DraFit.Result fit = DraFit.fit(demands, cluster.deviceClasses(), cluster.draDevices());
        Map<String, List<String>> byVm = new LinkedHashMap<>();
        for (DraFit.GroupFit g : fit.groups()) {
            if (g.served() >= g.requested()) {
                continue;
            }
            String pools = g.where().isEmpty() ? "no published device matches" : String.join(", ", g.where());
            String what = "DeviceClass " + g.deviceClass() + (g.selectors().isEmpty() ? ""
                    : " with selector " + String.join(" && ", g.selectors()));
            for (String owner : new LinkedHashSet<>(g.owners())) {
                byVm.computeIfAbsent(owner, k -> new ArrayList<>()).add("VM " + owner + " claims a device of " + what
                        + ", but the ResourceSlices offer " + g.matching() + " matching (" + pools + ") for the "
                        + g.requested() + " the set requests: shortfall " + (g.requested() - g.served()));
            }
        }
        List<Shortfall> out = new ArrayList<>();
        for (Need n : needs) {
            byVm.getOrDefault(n.vm(), List.of()).forEach(m -> out.add(new Shortfall(n.vm(), m)));
        }
        return out;
    }
}
