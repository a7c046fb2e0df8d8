package dev.kvmigrate.converter.validate;

import static dev.kvmigrate.inventory.concern.ConcernCode.DRA_CLAIM_MISSING;
import static dev.kvmigrate.inventory.concern.ConcernCode.DRA_DEVICE_CLASS_MISSING;
import static dev.kvmigrate.inventory.concern.ConcernCode.DRA_SELECTOR_INVALID;
import static dev.kvmigrate.inventory.concern.ConcernCode.GPU_CAPACITY_SHORT;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvmigrate.converter.gpu.GpuCapacity;
import dev.kvmigrate.converter.gpu.dra.CelSelector;
import dev.kvmigrate.converter.gpu.dra.DraFit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The checks of DRA claims and of GPU capacity over a set of objects. Pure.
 *
 * <ul>
 *   <li>every {@code resourceClaims} entry names exactly one of {@code resourceClaimName} and
 *       {@code resourceClaimTemplateName}; a named template is in the set; each GPU/host device's {@code claimName}
 *       is a {@code resourceClaims} entry and its {@code requestName} one of the template's requests; an entry has
 *       a {@code deviceName} or a claim;</li>
 *   <li>each template request's CEL selectors compile; with a cluster, its DeviceClass exists;</li>
 *   <li>with a cluster, the set fits: device-plugin names against the allocatable of the node pool each VM may run in
 *       (its {@code nodeSelector}), DRA requests against the published devices their class and selectors match.</li>
 * </ul>
 */
final class DraRules {
    private DraRules() {}

    private static final String TSPEC = "/spec/template/spec";

    static List<Finding> check(List<LocatedObject> objects, ClusterFacts facts) {
        List<Finding> out = new ArrayList<>();
        Map<String, LocatedObject> templates = new HashMap<>();
        for (LocatedObject o : objects) {
            if (o.kind().equals("ResourceClaimTemplate")) {
                templates.put(ns(o, facts) + "/" + o.name(), o);
                requests(o, facts, out);
            }
        }
        List<GpuCapacity.Need> needs = new ArrayList<>();
        Map<String, LocatedObject> vmsByName = new LinkedHashMap<>();
        for (LocatedObject o : objects) {
            if (o.kind().equals("VirtualMachine")) {
                needs.add(vm(o, facts, templates, out));
                vmsByName.put(o.name(), o);
            }
        }
        facts.gpus().ifPresent(c -> GpuCapacity.check(needs, c).forEach(s -> out.add(Finding.at(
                vmsByName.get(s.vm()), Rules.DEVICES, GPU_CAPACITY_SHORT, s.message()))));
        return out;
    }

    /** Whether the capacity of this set is checked here (a cluster's GPU facts are known). */
    static boolean checksCapacity(ClusterFacts facts) {
        return facts.gpus().isPresent();
    }

    private static void requests(LocatedObject t, ClusterFacts facts, List<Finding> out) {
        JsonNode requests = t.body().at("/spec/spec/devices/requests");
        for (int i = 0; i < requests.size(); i++) {
            JsonNode exactly = requests.get(i).path("exactly");
            String pointer = "/spec/spec/devices/requests/" + i + "/exactly";
            String cls = exactly.path("deviceClassName").asText("");
            facts.gpus().filter(c -> !cls.isEmpty() && !c.deviceClasses().containsKey(cls)).ifPresent(c -> out.add(
                    Finding.at(t, pointer + "/deviceClassName", DRA_DEVICE_CLASS_MISSING, "DeviceClass " + cls
                            + " does not exist in the cluster" + (c.deviceClasses().isEmpty() ? " (it has none: no"
                                    + " DRA driver is installed)" : " (it has " + String.join(", ",
                                            c.deviceClasses().keySet()) + ")")
                            + "; install the DRA driver that publishes it or set dra.deviceClass")));
            JsonNode selectors = exactly.path("selectors");
            for (int j = 0; j < selectors.size(); j++) {
                String expr = selectors.get(j).path("cel").path("expression").asText("");
                try {
                    CelSelector.compile(expr);
                } catch (IllegalArgumentException e) {
                    out.add(Finding.at(t, pointer + "/selectors/" + j + "/cel/expression", DRA_SELECTOR_INVALID,
                            e.getMessage()));
                }
            }
        }
    }

    /** The claim references of one VM, checked; its capacity need. */
    private static GpuCapacity.Need vm(LocatedObject o, ClusterFacts facts, Map<String, LocatedObject> templates,
            List<Finding> out) {
        JsonNode spec = o.body().at(TSPEC);
        Map<String, Optional<LocatedObject>> claims = new TreeMap<>();
        JsonNode rcs = spec.path("resourceClaims");
        for (int i = 0; i < rcs.size(); i++) {
            JsonNode rc = rcs.get(i);
            String pointer = TSPEC + "/resourceClaims/" + i;
            boolean byName = rc.hasNonNull("resourceClaimName");
            boolean byTemplate = rc.hasNonNull("resourceClaimTemplateName");
            if (byName == byTemplate) {
                out.add(Finding.at(o, pointer, DRA_CLAIM_MISSING, "resourceClaims entry '" + rc.path("name")
                        .asText("") + "' must name exactly one of resourceClaimName and resourceClaimTemplateName"));
            }
            Optional<LocatedObject> template = Optional.empty();
            if (byTemplate) {
                String name = rc.path("resourceClaimTemplateName").asText();
                template = Optional.ofNullable(templates.get(ns(o, facts) + "/" + name));
                if (template.isEmpty()) {
                    out.add(Finding.at(o, pointer + "/resourceClaimTemplateName", DRA_CLAIM_MISSING,
                            "ResourceClaimTemplate " + name + " is not in this set; add its manifest (kv-migrate"
                                    + " convert writes it beside the VM) or create it first"));
                }
            }
            claims.put(rc.path("name").asText(""), template);
        }
        List<String> plugin = new ArrayList<>();
        List<DraFit.Demand> dra = new ArrayList<>();
        for (String list : new String[] {"gpus", "hostDevices"}) {
            JsonNode arr = spec.at("/domain/devices/" + list);
            for (int i = 0; arr.isArray() && i < arr.size(); i++) {
                JsonNode d = arr.get(i);
                String pointer = Rules.DEVICES + "/" + list + "/" + i;
                String dn = d.path("deviceName").asText("");
                String claim = d.path("claimName").asText("");
                if (!dn.isEmpty()) {
                    plugin.add(dn);
                    continue;
                }
                if (claim.isEmpty()) {
                    out.add(Finding.at(o, pointer, DRA_CLAIM_MISSING, list + " entry '" + d.path("name").asText("")
                            + "' has neither deviceName nor claimName/requestName; KubeVirt cannot tell what to give"
                            + " it"));
                    continue;
                }
                if (!claims.containsKey(claim)) {
                    out.add(Finding.at(o, pointer + "/claimName", DRA_CLAIM_MISSING, "claimName " + claim + " is not"
                            + " in spec.template.spec.resourceClaims" + (claims.isEmpty() ? " (there are none)"
                                    : " (" + String.join(", ", claims.keySet()) + ")")));
                    continue;
                }
                String request = d.path("requestName").asText("");
                claims.get(claim).ifPresent(t -> {
                    Optional<JsonNode> r = request(t, request);
                    if (r.isEmpty()) {
                        out.add(Finding.at(o, pointer + "/requestName", DRA_CLAIM_MISSING, "requestName '" + request
                                + "' is not a request of ResourceClaimTemplate " + t.name()));
                        return;
                    }
                    JsonNode exactly = r.get().path("exactly");
                    List<String> selectors = new ArrayList<>();
                    exactly.path("selectors").forEach(s -> selectors.add(s.path("cel").path("expression").asText()));
                    dra.add(new DraFit.Demand(o.name(), request, exactly.path("deviceClassName").asText(""),
                            selectors, Math.max(1, exactly.path("count").asInt(1))));
                });
            }
        }
        Map<String, String> nodeSelector = new TreeMap<>();
        spec.path("nodeSelector").fields().forEachRemaining(e -> nodeSelector.put(e.getKey(), e.getValue().asText()));
        return new GpuCapacity.Need(o.name(), plugin, nodeSelector, dra);
    }

    private static Optional<JsonNode> request(LocatedObject template, String name) {
        for (JsonNode r : template.body().at("/spec/spec/devices/requests")) {
            if (r.path("name").asText("").equals(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    private static String ns(LocatedObject o, ClusterFacts facts) {
        return o.namespace().isEmpty() ? facts.defaultNamespace() : o.namespace();
    }
}
