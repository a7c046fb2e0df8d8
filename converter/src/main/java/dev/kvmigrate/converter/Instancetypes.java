package dev.kvmigrate.converter;

import static dev.kvmigrate.converter.Trees.obj;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.converter.mapping.InstancetypeChoice;
import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Vm;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --emit-instancetypes}: one namespaced VirtualMachineInstancetype per distinct shape (vCPUs, memory,
 * hugepages, dedicated CPUs) and one VirtualMachinePreference per firmware flavour. Pure.
 */
final class Instancetypes {
    static final String API_VERSION = "instancetype.kubevirt.io/v1beta1";

    private Instancetypes() {}

    /** {@code kvm-8c-16gi}, {@code kvm-16c-64gi-hp1gi-dedicated}. */
    static String instancetypeName(Vm vm) {
        StringBuilder s = new StringBuilder("kvm-").append(vm.cpu().topology().vcpus()).append("c-")
                .append(Quantity.format(vm.memory().bytes()).toLowerCase(Locale.ROOT));
        vm.memory().hugepageBytes().filter(Instancetypes::validPageSize)
                .ifPresent(h -> s.append("-hp").append(Quantity.format(h).toLowerCase(Locale.ROOT)));
        if (!vm.cpu().pinning().isEmpty()) {
            s.append("-dedicated");
        }
        return s.toString();
    }

    /** {@code kvm-bios}, {@code kvm-efi}, {@code kvm-efi-secureboot}. */
    static String preferenceName(Vm vm) {
        if (vm.firmware().bootMode() != BootMode.UEFI) {
            return "kvm-bios";
        }
        return secureBoot(vm) ? "kvm-efi-secureboot" : "kvm-efi";
    }

    static InstancetypeChoice choice(Vm vm) {
        return new InstancetypeChoice(Optional.of(instancetypeName(vm)), Optional.of("VirtualMachineInstancetype"),
                Optional.of(preferenceName(vm)), Optional.of("VirtualMachinePreference"));
    }

    static Manifest instancetype(Vm vm, Optional<String> namespace) {
        String name = instancetypeName(vm);
        ObjectNode n = obj().put("apiVersion", API_VERSION).put("kind", "VirtualMachineInstancetype");
        n.set("metadata", Trees.metadata(name, namespace, Map.of("app.kubernetes.io/managed-by", "kv-migrate"),
                Map.of()));
        ObjectNode spec = n.putObject("spec");
        ObjectNode cpu = spec.putObject("cpu").put("guest", vm.cpu().topology().vcpus());
        if (!vm.cpu().pinning().isEmpty()) {
            cpu.put("dedicatedCPUPlacement", true);
        }
        ObjectNode memory = spec.putObject("memory").put("guest", Quantity.format(vm.memory().bytes()));
        vm.memory().hugepageBytes().filter(Instancetypes::validPageSize)
                .ifPresent(h -> memory.putObject("hugepages").put("pageSize", Quantity.format(h)));
        return Manifest.of("virtualmachineinstancetype-" + name + ".yaml", n);
    }

    static Manifest preference(Vm vm, Optional<String> namespace) {
        String name = preferenceName(vm);
        ObjectNode n = obj().put("apiVersion", API_VERSION).put("kind", "VirtualMachinePreference");
        n.set("metadata", Trees.metadata(name, namespace, Map.of("app.kubernetes.io/managed-by", "kv-migrate"),
                Map.of()));
        ObjectNode spec = n.putObject("spec");
        spec.putObject("cpu").put("preferredCPUTopology", "sockets");
        ObjectNode fw = spec.putObject("firmware");
        if (vm.firmware().bootMode() == BootMode.UEFI) {
            fw.put("preferredUseEfi", true).put("preferredUseSecureBoot", secureBoot(vm));
        } else {
            fw.put("preferredUseBios", true);
        }
        spec.putObject("machine").put("preferredMachineType", "q35");
        return Manifest.of("virtualmachinepreference-" + name + ".yaml", n);
    }

    private static boolean secureBoot(Vm vm) {
        return vm.firmware().secureBoot() && vm.features().smm();
    }

    private static boolean validPageSize(long bytes) {
        return bytes == 2L << 20 || bytes == 1L << 30;
    }
}
