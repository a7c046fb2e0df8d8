package dev.kvmigrate.converter;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.converter.gpu.AdminPatch;
import dev.kvmigrate.converter.mapping.InstancetypeChoice;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.concern.KubernetesName;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Vm;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts the selected VMs of an inventory: unique Kubernetes names, one {@link VmConversion} each, the admin
 * patch for the VMs that are written. A VM with a blocker is reported and not written; the others are.
 */
public final class Converter {
    private Converter() {}

    public static ConversionResult convert(Inventory inventory, VmSelector selector, Mappings mappings,
            ConvertOptions options) {
        List<String> names = inventory.vms().stream().map(Vm::name).toList();
        List<String> unmatched = selector.unmatched(names);
        if (!unmatched.isEmpty()) {
            throw KvMigrateException.invalidInput("no VM in the inventory matches " + String.join(", ", unmatched)
                    + "; the inventory has " + names.size() + " VMs (list them with `kv-migrate inventory show`)");
        }
        Set<String> vmNames = new HashSet<>();
        Set<String> dvNames = new HashSet<>();
        List<VmConversion> results = new ArrayList<>();
        Map<String, Manifest> shared = new LinkedHashMap<>();
        for (Vm vm : inventory.vms()) {
            if (!selector.matches(vm.name())) {
                continue;
            }
            String target = unique(KubernetesName.of(vm.name()), vmNames);
            InstancetypeChoice choice = mappings.instancetypes().forVm(vm.name());
            boolean emit = options.emitInstancetypes() && choice.instancetype().isEmpty();
            if (emit) {
                choice = Instancetypes.choice(vm);
            }
            VmConversion conversion = VmConverter.convert(vm, target, inventory.source(), mappings, options, choice,
                    base -> unique(base, dvNames));
            if (emit && !conversion.blocked()) {
                Manifest it = Instancetypes.instancetype(vm, options.namespace());
                Manifest pref = Instancetypes.preference(vm, options.namespace());
                shared.putIfAbsent(it.fileName(), it);
                shared.putIfAbsent(pref.fileName(), pref);
            }
            results.add(conversion);
        }
        AdminPatch patch = AdminPatch.of(results.stream().filter(v -> !v.blocked())
                .map(v -> new AdminPatch.VmDevices(v.targetName(), v.devices(), v.persistentState())).toList());
        return new ConversionResult(results, List.copyOf(shared.values()), patch);
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
