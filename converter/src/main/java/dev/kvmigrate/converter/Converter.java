package dev.kvmigrate.converter;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.converter.gpu.AdminPatch;
import dev.kvmigrate.converter.gpu.ClusterGpus;
import dev.kvmigrate.converter.gpu.GpuCapacity;
import dev.kvmigrate.converter.gpu.GpuTargets;
import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.converter.mapping.InstancetypeChoice;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.concern.KubernetesName;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Vm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Converts the selected VMs of an inventory: unique Kubernetes names, one {@link MigrationUnit} each, the admin
 * patch for the VMs that are written. A VM with a blocker is reported and not written; the others are.
 */
public final class Converter {
    private Converter() {}

    public static ConversionResult convert(Inventory inventory, VmSelector selector, Mappings mappings,
            ConvertOptions options) {
        return convert(inventory, selector, mappings, options, vm -> VmOverrides.NONE);
    }

    /**
     * Converts the selected VMs, each with its own overrides (a plan's per-VM choices). Target names given by
     * overrides are kept as they are and must be unique; derived names avoid them.
     */
    public static ConversionResult convert(Inventory inventory, VmSelector selector, Mappings requested,
            ConvertOptions options, Function<String, VmOverrides> overrides) {
        List<String> names = inventory.vms().stream().map(Vm::name).toList();
        List<String> unmatched = selector.unmatched(names);
        if (!unmatched.isEmpty()) {
            throw KvMigrateException.invalidInput("no VM in the inventory matches " + String.join(", ", unmatched)
                    + "; the inventory has " + names.size() + " VMs (list them with `kv-migrate inventory show`)");
        }
        List<Vm> selected = inventory.vms().stream().filter(vm -> selector.matches(vm.name())).toList();
        GpuTargets.Decision decision = GpuTargets.decide(requested.gpuTarget(), requested.dra(), options.cluster());
        Mappings mappings = requested.withGpuTarget(decision.target());
        Map<String, String> givenBy = new HashMap<>();
        for (Vm vm : selected) {
            Optional<String> given = overrides.apply(vm.name()).targetName();
            if (given.isEmpty()) {
                continue;
            }
            if (!KubernetesName.isValid(given.get())) {
                throw KvMigrateException.invalidInput("VM " + vm.name() + ": target name '" + given.get()
                        + "' is not a valid Kubernetes name (lower-case letters, digits and '-', at most "
                        + KubernetesName.MAX_LENGTH + " characters); choose another targetName");
            }
            String other = givenBy.putIfAbsent(given.get(), vm.name());
            if (other != null) {
                throw KvMigrateException.invalidInput("VMs " + other + " and " + vm.name() + " are both given the"
                        + " target name " + given.get() + "; give each a distinct targetName");
            }
        }
        Set<String> vmNames = new HashSet<>(givenBy.keySet());
        Set<String> dvNames = new HashSet<>();
        List<MigrationUnit> results = new ArrayList<>();
        Map<String, Manifest> shared = new LinkedHashMap<>();
        for (Vm vm : selected) {
            VmOverrides o = overrides.apply(vm.name());
            String target = o.targetName().orElseGet(() -> unique(KubernetesName.of(vm.name()), vmNames));
            InstancetypeChoice choice = o.instancetype().map(it -> new InstancetypeChoice(Optional.of(it),
                    Optional.empty(), Optional.empty(), Optional.empty()))
                    .orElseGet(() -> mappings.instancetypes().forVm(vm.name()));
            boolean emit = options.emitInstancetypes() && choice.instancetype().isEmpty();
            if (emit) {
                choice = Instancetypes.choice(vm);
            }
            MigrationUnit unit = VmConverter.convert(vm, target, inventory.source(), mappings, options, o, choice,
                    base -> unique(base, dvNames));
            if (emit && !unit.blocked()) {
                Optional<String> ns = o.namespace().or(options::namespace);
                Manifest it = Instancetypes.instancetype(vm, ns);
                Manifest pref = Instancetypes.preference(vm, ns);
                shared.putIfAbsent(it.fileName(), it);
                shared.putIfAbsent(pref.fileName(), pref);
            }
            results.add(unit);
        }
        if (options.cluster().isPresent()) {
            results = capacity(results, options.cluster().get(), options.plan().isPresent());
        }
        AdminPatch patch = AdminPatch.of(results.stream().filter(v -> !v.blocked())
                .map(v -> new AdminPatch.VmDevices(v.targetName(), v.devices(), v.persistentState())).toList(),
                mappings, decision.why(), options.cluster());
        return new ConversionResult(results, List.copyOf(shared.values()), patch, decision);
    }

    /**
     * The units with those the cluster has no devices for blocked (GPU_CAPACITY_EXCEEDED, naming the pool and the
     * counts): the VMs are served in inventory order, the ones past the capacity go without. For a plan
     * ({@code eachAlone}) each VM is checked alone: a plan runs its VMs in GPU waves whose needs fit the cluster, so
     * only a VM that by itself needs more than the cluster has can never run there.
     */
    static List<MigrationUnit> capacity(List<MigrationUnit> units, ClusterGpus cluster, boolean eachAlone) {
        List<GpuCapacity.Need> needs = units.stream().filter(u -> !u.blocked() && !u.devices().isEmpty())
                .map(u -> GpuCapacity.of(u.targetName(), u.devices())).toList();
        Map<String, List<String>> shortBy = new HashMap<>();
        List<List<GpuCapacity.Need>> checks = eachAlone ? needs.stream().map(List::of).toList() : List.of(needs);
        checks.forEach(c -> GpuCapacity.check(c, cluster).forEach(s -> shortBy.computeIfAbsent(s.vm(),
                k -> new ArrayList<>()).add(s.message())));
        if (shortBy.isEmpty()) {
            return units;
        }
        List<MigrationUnit> out = new ArrayList<>();
        for (MigrationUnit u : units) {
            List<String> why = u.blocked() ? null : shortBy.get(u.targetName());
            if (why == null) {
                out.add(u);
                continue;
            }
            List<Concern> concerns = new ArrayList<>(u.concerns());
            why.forEach(m -> concerns.add(ConcernCode.GPU_CAPACITY_EXCEEDED.of(m)));
            out.add(MigrationUnit.blocked(u.sourceName(), u.targetName(), u.namespace(), concerns));
        }
        return out;
    }

    /**
     * {@code base}, or {@code base-2}, {@code base-3}, … when taken; cut so the result stays a 63-character
     * RFC 1123 label.
     */
    static String unique(String base, Set<String> taken) {
        String name = base;
        for (int n = 2; !taken.add(name); n++) {
            String suffix = "-" + n;
            String head = base.length() + suffix.length() > KubernetesName.MAX_LENGTH
                    ? base.substring(0, KubernetesName.MAX_LENGTH - suffix.length()).replaceAll("-+$", "")
                    : base;
            name = head + suffix;
        }
        return name;
    }
}
