package dev.kvmigrate.converter.gpu.dra;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Whether a set of DRA device requests fits onto the devices the cluster's ResourceSlices publish.
 *
 * <p>Kubernetes DRA: CEL in DeviceClass and ResourceClaim selectors — a device can be allocated for a request when
 * every selector of the request's DeviceClass and every selector of the request yields {@code true} (an evaluation
 * error counts as not selected), and an allocated device is exclusive to its claim. The scheduler allocates claim by
 * claim; here the whole set is fitted at once as a maximum bipartite matching between request units and devices
 * (augmenting paths over groups of identical requests), so a broad selector cannot take a device a narrow one needed.
 * Units are served in input order: when devices run short, the last units go unserved. Pure and deterministic.
 */
public final class DraFit {
    private DraFit() {}

    /**
     * {@code count} devices of {@code deviceClass} that {@code owner}'s request {@code request} asks for.
     *
     * @param owner the VM name
     * @param request the request name ({@code gpu-0})
     * @param deviceClass the DeviceClass name ({@code vfio.gpu.nvidia.com})
     * @param selectors the request's own CEL selectors, on top of the class's
     * @param count how many devices (at least 1)
     */
    public record Demand(String owner, String request, String deviceClass, List<String> selectors, int count) {
        public Demand {
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(deviceClass, "deviceClass");
            selectors = List.copyOf(Objects.requireNonNullElse(selectors, List.of()));
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1, not " + count);
            }
        }
    }

    /**
     * How one group of identical demands (same class, same selectors) fared.
     *
     * @param requested the units the group's demands ask for
     * @param served the units a device was found for
     * @param matching how many devices match the class and the selectors at all
     * @param owners the owners of the unserved units, in input order, each once
     * @param where {@link DraDevice#where()} of the matching devices
     */
    public record GroupFit(String deviceClass, List<String> selectors, int requested, int served, int matching,
            List<String> owners, SortedSet<String> where) {
        public GroupFit {
            Objects.requireNonNull(deviceClass, "deviceClass");
            selectors = List.copyOf(selectors);
            owners = List.copyOf(owners);
            where = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(where));
        }

        /** Units left without a device. */
        public int unserved() {
            return requested - served;
        }

        /** Whether some unit was left without a device. */
        public boolean isShort() {
            return served < requested;
        }
    }

    /** Per group, in order of first appearance, how it fared; and what went wrong on the way. */
    public record Result(List<GroupFit> groups, List<String> problems) {
        public Result {
            groups = List.copyOf(groups);
            problems = List.copyOf(problems);
        }

        /** Whether some unit was left without a device ({@code short} is a Java keyword). */
        public boolean isShort() {
            return groups.stream().anyMatch(GroupFit::isShort);
        }

        /** The groups some unit of which was left without a device. */
        public List<GroupFit> shortfalls() {
            return groups.stream().filter(GroupFit::isShort).toList();
        }
    }

    private record Key(String deviceClass, List<String> selectors) {}

    /**
     * Fits {@code demands} onto {@code devices}.
     *
     * @param deviceClasses DeviceClass name → its CEL selector expressions
     */
    public static Result fit(List<Demand> demands, Map<String, List<String>> deviceClasses,
            List<DraDevice> devices) {
        List<Demand> in = List.copyOf(demands);
        Map<String, List<String>> classes = Map.copyOf(deviceClasses);
        List<DraDevice> pool = List.copyOf(devices);
        List<String> problems = new ArrayList<>();

        Map<Key, List<Demand>> groups = new LinkedHashMap<>();
        in.forEach(d -> groups.computeIfAbsent(new Key(d.deviceClass(), d.selectors()), k -> new ArrayList<>())
                .add(d));

        missingClasses(in, classes, problems);
        Evaluator evaluator = new Evaluator(pool);
        Map<String, Optional<CelSelector>> classSelectors = new LinkedHashMap<>();
        List<Key> keys = List.copyOf(groups.keySet());
        List<int[]> adjacency = new ArrayList<>();
        for (Key key : keys) {
            Optional<List<CelSelector>> selectors = selectors(key, groups.get(key), classes, classSelectors,
                    problems);
            adjacency.add(selectors.map(s -> evaluator.matching(s)).orElse(new int[0]));
        }
        problems.addAll(evaluator.errors());

        int[] need = keys.stream().mapToInt(k -> groups.get(k).stream().mapToInt(Demand::count).sum()).toArray();
        int[] served = match(adjacency, need, pool.size());

        List<GroupFit> fits = new ArrayList<>();
        for (int g = 0; g < keys.size(); g++) {
            Key key = keys.get(g);
            SortedSet<String> where = new TreeSet<>();
            Arrays.stream(adjacency.get(g)).forEach(d -> where.add(pool.get(d).where()));
            fits.add(new GroupFit(key.deviceClass(), key.selectors(), need[g], served[g], adjacency.get(g).length,
                    unservedOwners(groups.get(key), served[g]), where));
        }
        return new Result(fits, problems);
    }

    private static void missingClasses(List<Demand> demands, Map<String, List<String>> classes,
            List<String> problems) {
        Map<String, List<String>> missing = new LinkedHashMap<>();
        demands.stream().filter(d -> !classes.containsKey(d.deviceClass()))
                .forEach(d -> missing.computeIfAbsent(d.deviceClass(), c -> new ArrayList<>())
                        .add(d.owner() + " (" + d.request() + ")"));
        missing.forEach((name, owners) -> problems.add("DeviceClass " + name + " does not exist in the cluster;"
                + " install the DRA driver that publishes it (NVIDIA's GPU driver publishes vfio.gpu.nvidia.com"
                + " for passthrough); requested by " + String.join(", ", owners.stream().distinct().toList())));
    }

    /** The class's selectors then the group's, compiled; empty when the class is missing or one does not compile. */
    private static Optional<List<CelSelector>> selectors(Key key, List<Demand> demands,
            Map<String, List<String>> classes, Map<String, Optional<CelSelector>> classSelectors,
            List<String> problems) {
        List<String> classExpressions = classes.get(key.deviceClass());
        if (classExpressions == null) {
            return Optional.empty();
        }
        List<CelSelector> out = new ArrayList<>();
        boolean ok = true;
        for (String expression : classExpressions) {
            Optional<CelSelector> compiled = classSelectors.computeIfAbsent(expression, e -> {
                try {
                    return Optional.of(CelSelector.compile(e));
                } catch (IllegalArgumentException ex) {
                    problems.add("DeviceClass " + key.deviceClass() + ": " + ex.getMessage()
                            + "; no device of the class can be allocated");
                    return Optional.empty();
                }
            });
            ok &= compiled.isPresent();
            compiled.ifPresent(out::add);
        }
        for (String expression : key.selectors()) {
            try {
                out.add(CelSelector.compile(expression));
            } catch (IllegalArgumentException ex) {
                ok = false;
                demands.forEach(d -> problems.add("VM " + d.owner() + " request " + d.request() + ": "
                        + ex.getMessage()));
            }
        }
        return ok ? Optional.of(List.copyOf(out)) : Optional.empty();
    }

    /** Evaluates selectors on devices once each, counting per selector the devices it failed on. */
    private static final class Evaluator {
        private final List<DraDevice> devices;
        private final Map<String, CelSelector.Match[]> results = new LinkedHashMap<>();
        private final Map<String, List<String>> errors = new LinkedHashMap<>();

        Evaluator(List<DraDevice> devices) {
            this.devices = devices;
        }

        /** The indexes of the devices every selector matches, evaluated in order and stopping at the first miss. */
        int[] matching(List<CelSelector> selectors) {
            List<Integer> out = new ArrayList<>();
            for (int d = 0; d < devices.size(); d++) {
                boolean all = true;
                for (CelSelector s : selectors) {
                    if (!evaluate(s, d).matched()) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    out.add(d);
                }
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        }

        private CelSelector.Match evaluate(CelSelector selector, int d) {
            CelSelector.Match[] row = results.computeIfAbsent(selector.expression(),
                    e -> new CelSelector.Match[devices.size()]);
            if (row[d] == null) {
                row[d] = selector.matches(devices.get(d));
                if (row[d] instanceof CelSelector.Match.Error error) {
                    DraDevice device = devices.get(d);
                    errors.computeIfAbsent(selector.expression(), e -> new ArrayList<>())
                            .add(device.name() + " on " + device.where() + ": " + error.message());
                }
            }
            return row[d];
        }

        List<String> errors() {
            return errors.entrySet().stream().map(e -> "CEL selector " + e.getKey() + " failed on "
                    + e.getValue().size() + (e.getValue().size() == 1 ? " device" : " devices")
                    + ", counted as not matching; first: " + e.getValue().get(0)).collect(Collectors.toList());
        }
    }

    /**
     * Maximum matching of group units to devices: each group {@code g} wants {@code need[g]} devices among
     * {@code adjacency[g]}, each device serves one unit. Groups are augmented in order, unit by unit (Kuhn's
     * augmenting paths with groups as left vertices of multiplicity); a matched unit stays matched, so earlier
     * groups win ties. Returns the units served per group.
     */
    static int[] match(List<int[]> adjacency, int[] need, int deviceCount) {
        int[] owner = new int[deviceCount];
        Arrays.fill(owner, -1);
        int[] served = new int[need.length];
        for (int g = 0; g < need.length; g++) {
            while (served[g] < need[g] && augment(g, adjacency, owner, new boolean[deviceCount])) {
                served[g]++;
            }
        }
        return served;
    }

    private static boolean augment(int g, List<int[]> adjacency, int[] owner, boolean[] visited) {
        for (int d : adjacency.get(g)) {
            if (!visited[d]) {
                visited[d] = true;
                if (owner[d] < 0 || augment(owner[d], adjacency, owner, visited)) {
                    owner[d] = g;
                    return true;
                }
            }
        }
        return false;
    }

    /** The owners of the last {@code requested - served} units, in input order, each once. */
    private static List<String> unservedOwners(List<Demand> demands, int served) {
        List<String> owners = new ArrayList<>();
        int skip = served;
        for (Demand d : demands) {
            int unserved = d.count() - Math.min(skip, d.count());
            skip -= Math.min(skip, d.count());
            if (unserved > 0 && !owners.contains(d.owner())) {
                owners.add(d.owner());
            }
        }
        return owners;
    }
}
