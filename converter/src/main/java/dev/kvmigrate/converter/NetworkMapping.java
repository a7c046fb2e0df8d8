package dev.kvmigrate.converter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.converter.mapping.NetworkTarget;
import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.concern.KubernetesName;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Nic;
import dev.kvmigrate.inventory.model.NicType;
import dev.kvmigrate.inventory.model.Vm;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * NICs → {@code devices.interfaces} + {@code networks}. MACs are kept; the network map picks pod masquerade, a
 * Multus bridge or SR-IOV; an unmapped NIC takes the pod network while it is free. Pure.
 */
final class NetworkMapping {
    /** Interface models KubeVirt accepts. */
    static final Set<String> MODELS = Set.of("virtio", "e1000", "e1000e", "igb", "ne2k_pci", "pcnet", "rtl8139");

    private NetworkMapping() {}

    /**
     * The mapped NICs of one VM.
     *
     * @param compat the NICs given e1000e because the guest needs compatible devices
     */
    record Networks(ArrayNode interfaces, ArrayNode networks, List<String> compat) {}

    /** A source NIC model as KubeVirt names it, or empty when KubeVirt has no such model. */
    static Optional<String> model(String sourceModel) {
        String m = sourceModel.toLowerCase(Locale.ROOT).replace('-', '_');
        if (m.equals("pv") || m.equals("rtl8139_virtio")) {
            return Optional.of("virtio");
        }
        return MODELS.contains(m) ? Optional.of(m) : Optional.empty();
    }

    /**
     * @param guest whether the guest needs compatible devices ({@link GuestReadiness}); a model change or a MAC not
     *     carried raises NIC_RENAME_LIKELY
     */
    static Networks map(Vm vm, Mappings mappings, boolean keepMacs, GuestReadiness.Decision guest,
            Consumer<Concern> concerns) {
        List<String> compat = new ArrayList<>();
        ArrayNode interfaces = Trees.F.arrayNode();
        ArrayNode networks = Trees.F.arrayNode();
        boolean podTaken = false;
        Set<String> names = new HashSet<>();
        for (int i = 0; i < vm.nics().size(); i++) {
            Nic nic = vm.nics().get(i);
            if (!nic.plugged()) {
                continue;
            }
            String field = "nics[" + i + "]";
            String label = nic.name().or(nic::mac).orElse("#" + i);
            String who = "VM " + vm.name() + ": NIC " + label + " on '" + nic.network() + "'";
            Optional<NetworkTarget> mapped = mappings.network(nic.network());
            NetworkTarget target;
            if (mapped.isPresent()) {
                target = mapped.get();
                if (target.type() == NetworkTarget.Type.POD && podTaken) {
                    concerns.accept(ConcernCode.NETWORK_POD_TWICE.at(field, who + " maps to the pod network,"
                            + " which another NIC already uses; map '" + nic.network() + "' to a"
                            + " NetworkAttachmentDefinition"));
                    continue;
                }
            } else if (nic.type() == NicType.HOSTDEV) {
                concerns.accept(ConcernCode.NIC_HOSTDEV.at(field, who + " is an SR-IOV VF or PCI device and is not"
                        + " mapped; add a networks entry '" + nic.network() + ": {type: sriov, nad: ns/name}'"));
                continue;
            } else if (!podTaken) {
                target = NetworkTarget.POD_NETWORK;
                concerns.accept(unmappedOnPod(nic, field, who));
            } else {
                concerns.accept(ConcernCode.NETWORK_UNMAPPED.at(field, who + " is not mapped and the pod network is"
                        + " taken; add a networks entry '" + nic.network() + ": {type: bridge|sriov, nad: ns/name}'"));
                continue;
            }
            podTaken |= target.type() == NetworkTarget.Type.POD;
            String name = uniqueName(nic.name().map(KubernetesName::of).orElse("nic" + i), names);
            ObjectNode iface = interfaces.addObject().put("name", name);
            if (target.type() != NetworkTarget.Type.SRIOV) {
                String model = GuestReadiness.nicModel(nic, guest);
                if (GuestReadiness.compatNic(nic, guest)) {
                    compat.add(label);
                } else if (model(nic.model()).isEmpty()) {
                    concerns.accept(ConcernCode.NIC_MODEL_CHANGED.at(field + ".model", who + ": model "
                            + nic.model() + " becomes virtio; the guest needs the virtio-net driver"));
                }
                iface.put("model", model);
                GuestReadiness.rename(nic, field, who, Optional.of(model), keepMacs && nic.mac().isPresent())
                        .ifPresent(concerns);
            } else {
                GuestReadiness.rename(nic, field, who, Optional.empty(), keepMacs && nic.mac().isPresent())
                        .ifPresent(concerns);
            }
            if (keepMacs) {
                nic.mac().ifPresent(mac -> iface.put("macAddress", mac));
            }
            iface.putObject(switch (target.type()) {
                case POD -> "masquerade";
                case BRIDGE -> "bridge";
                case SRIOV -> "sriov";
            });
            ObjectNode network = networks.addObject().put("name", name);
            if (target.type() == NetworkTarget.Type.POD) {
                network.putObject("pod");
            } else {
                network.putObject("multus").put("networkName", target.nad().orElseThrow());
            }
        }
        return new Networks(interfaces, networks, compat);
    }

    /** An unmapped NIC that joins the pod network; a macvtap or vhost-user NIC says what it was. */
    private static Concern unmappedOnPod(Nic nic, String field, String who) {
        String fix = "; add a networks entry for '" + nic.network() + "' to change that";
        return switch (nic.type()) {
            case DIRECT -> ConcernCode.NIC_DIRECT.at(field, who + " is macvtap on host device " + nic.network()
                    + " and is not mapped, so it joins the pod network (masquerade); map it to a Multus or SR-IOV"
                    + " network with a networks entry for '" + nic.network() + "'");
            case VHOSTUSER -> ConcernCode.NIC_VHOSTUSER.at(field, who + " uses vhost-user and is not mapped, so it"
                    + " joins the pod network (masquerade)" + fix);
            default -> ConcernCode.NETWORK_POD_DEFAULT.at(field, who + " is not mapped and joins the pod network"
                    + " (masquerade)" + fix);
        };
    }

    private static String uniqueName(String base, Set<String> taken) {
        String name = base;
        for (int n = 2; !taken.add(name); n++) {
            name = base + "-" + n;
        }
        return name;
    }
}
