package dev.kvmigrate.converter.validate;

import static dev.kvmigrate.inventory.concern.ConcernCode.DEVICE_NOT_PERMITTED;
import static dev.kvmigrate.inventory.concern.ConcernCode.GPU_RAMFB_MULTIPLE;
import static dev.kvmigrate.inventory.concern.ConcernCode.MAC_DUPLICATE;
import static dev.kvmigrate.inventory.concern.ConcernCode.MANIFEST_SCHEMA;
import static dev.kvmigrate.inventory.concern.ConcernCode.NAD_MISSING;
import static dev.kvmigrate.inventory.concern.ConcernCode.NAMESPACE_MISSING;
import static dev.kvmigrate.inventory.concern.ConcernCode.OBJECT_NAME_INVALID;
import static dev.kvmigrate.inventory.concern.ConcernCode.STORAGE_CLASS_MISSING;
import static dev.kvmigrate.inventory.concern.ConcernCode.VOLUME_MISSING;
import static dev.kvmigrate.inventory.concern.ConcernCode.VOLUME_SIZE_INVALID;
import static dev.kvmigrate.inventory.concern.ConcernCode.VOLUME_TOO_SMALL;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kvmigrate.converter.gpu.ClusterNames;
import dev.kvmigrate.converter.storage.ClaimPropertySet;
import dev.kvmigrate.converter.storage.FilesystemOverhead;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The checks beyond the schema, over a whole set of objects. Pure. */
public final class Rules {
    static final String DEVICES = "/spec/template/spec/domain/devices";
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final JsonNode EMPTY = JsonNodeFactory.instance.arrayNode();

    private Rules() {}

    public static List<Finding> check(List<LocatedObject> objects, ClusterFacts facts) {
        List<Finding> out = new ArrayList<>();
        Set<String> volumesInSet = new HashSet<>();
        for (LocatedObject o : objects) {
            if (o.kind().equals("DataVolume") || o.kind().equals("PersistentVolumeClaim")) {
                volumesInSet.add(ns(o, facts) + "/" + o.name());
            }
        }
        Map<String, LocatedObject> macs = new HashMap<>();
        for (LocatedObject o : objects) {
            names(o, out);
            facts.namespaces().ifPresent(nss -> {
                if (!nss.contains(ns(o, facts))) {
                    out.add(Finding.at(o, "/metadata/namespace", NAMESPACE_MISSING, "namespace " + ns(o, facts)
                            + " does not exist; create it first or pass --target-namespace to convert"));
                }
            });
            if (o.kind().equals("VirtualMachine")) {
                vm(o, facts, volumesInSet, macs, out);
            } else if (o.kind().equals("DataVolume")) {
                dataVolume(o, facts, out);
            }
        }
        out.addAll(DraRules.check(objects, facts));
        return out;
    }

    private static String ns(LocatedObject o, ClusterFacts facts) {
        return o.namespace().isEmpty() ? facts.defaultNamespace() : o.namespace();
    }

    private static void names(LocatedObject o, List<Finding> out) {
        String name = o.name();
        boolean label = o.kind().equals("VirtualMachine");
        boolean ok = label ? name.length() <= 63 && LABEL.matcher(name).matches()
                : name.length() <= 253 && SUBDOMAIN.matcher(name).matches();
        if (!ok) {
            out.add(Finding.at(o, "/metadata/name", OBJECT_NAME_INVALID, "name '" + name + "' is not a valid RFC 1123 "
                    + (label ? "label (lower-case alphanumerics and '-', at most 63)" : "subdomain")));
        }
    }

    private static void vm(LocatedObject o, ClusterFacts facts, Set<String> volumesInSet,
            Map<String, LocatedObject> macs, List<Finding> out) {
        JsonNode devices = o.body().at(DEVICES);
        for (String list : new String[] {DEVICES + "/gpus", DEVICES + "/hostDevices", DEVICES + "/interfaces",
                DEVICES + "/disks", "/spec/template/spec/volumes", "/spec/template/spec/networks",
                "/spec/dataVolumeTemplates"}) {
            requireList(o, list, out);
        }
        int ramfb = 0;
        for (String list : new String[] {"gpus", "hostDevices"}) {
            JsonNode arr = array(devices.path(list));
            for (int i = 0; i < arr.size(); i++) {
                String pointer = DEVICES + "/" + list + "/" + i;
                String dn = arr.get(i).path("deviceName").asText("");
                if (list.equals("gpus") && arr.get(i).at("/virtualGPUOptions/display/ramFB/enabled").asBoolean()) {
                    if (++ramfb > 1) {
                        out.add(Finding.at(o, pointer + "/virtualGPUOptions/display/ramFB", GPU_RAMFB_MULTIPLE,
                                "more than one GPU has ramFB enabled; KubeVirt allows one, disable it on this one"));
                    }
                }
                facts.permittedDevices().ifPresent(permitted -> {
                    if (!dn.isEmpty() && !permitted.contains(dn)) {
                        Optional<String> twin = ClusterNames.caseTwin(dn, permitted);
                        out.add(Finding.at(o, pointer + "/deviceName", DEVICE_NOT_PERMITTED, "deviceName " + dn
                                + " is not permitted by the KubeVirt CR (permittedHostDevices); " + twin.map(t ->
                                        "the CR permits " + t + ", which differs only in case (NVIDIA's device"
                                        + " plugin kept the pci.ids case before 2022): use " + t
                                        + " (a gpus mapping, or convert --from-cluster)")
                                        .orElse("apply the admin patch or fix the name (case-sensitive)")));
                    }
                });
            }
        }
        JsonNode volumes = array(o.body().at("/spec/template/spec/volumes"));
        for (int i = 0; i < volumes.size(); i++) {
            JsonNode v = volumes.get(i);
            String ref = v.path("dataVolume").path("name").asText(v.path("persistentVolumeClaim").path("claimName")
                    .asText(""));
            if (ref.isEmpty()) {
                continue;
            }
            String key = ns(o, facts) + "/" + ref;
            boolean inCluster = facts.volumes().map(s -> s.contains(key)).orElse(false);
            boolean inTemplates = false;
            for (JsonNode t : array(o.body().at("/spec/dataVolumeTemplates"))) {
                inTemplates |= ref.equals(t.path("metadata").path("name").asText());
            }
            if (!volumesInSet.contains(key) && !inCluster && !inTemplates) {
                out.add(Finding.at(o, "/spec/template/spec/volumes/" + i, VOLUME_MISSING, "volume " + ref
                        + " refers to a DataVolume/PVC that is neither in this set"
                        + (facts.volumes().isPresent() ? " nor in the cluster" : "")
                        + "; add its manifest or create it first"));
            }
        }
        JsonNode ifaces = array(devices.path("interfaces"));
        for (int i = 0; i < ifaces.size(); i++) {
            String mac = ifaces.get(i).path("macAddress").asText("").toLowerCase(Locale.ROOT);
            if (mac.isEmpty()) {
                continue;
            }
            LocatedObject other = macs.putIfAbsent(mac, o);
            if (other != null) {
                out.add(Finding.at(o, DEVICES + "/interfaces/" + i + "/macAddress", MAC_DUPLICATE, "MAC " + mac
                        + " is also used by " + other.id() + " (" + other.file() + "); MACs must be unique"));
            }
        }
        facts.networkAttachments().ifPresent(nads -> {
            JsonNode nets = array(o.body().at("/spec/template/spec/networks"));
            for (int i = 0; i < nets.size(); i++) {
                String nn = nets.get(i).path("multus").path("networkName").asText("");
                String key = nn.contains("/") ? nn : ns(o, facts) + "/" + nn;
                if (!nn.isEmpty() && !nads.contains(key)) {
                    out.add(Finding.at(o, "/spec/template/spec/networks/" + i + "/multus/networkName", NAD_MISSING,
                            "NetworkAttachmentDefinition " + key + " does not exist in the cluster"));
                }
            }
        });
    }

    /** The node when it is a list, else an empty one: every rule reads lists through this, whatever it got. */
    private static JsonNode array(JsonNode node) {
        return node.isArray() ? node : EMPTY;
    }

    /** A finding when the node at {@code pointer} is present but not a list (a map, a string…). */
    private static void requireList(LocatedObject o, String pointer, List<Finding> out) {
        JsonNode node = o.body().at(pointer);
        if (!node.isMissingNode() && !node.isNull() && !node.isArray()) {
            String field = pointer.substring(pointer.lastIndexOf('/') + 1);
            out.add(Finding.at(o, pointer, MANIFEST_SCHEMA, field + " must be a list, not " + kind(node)
                    + "; write each entry as '- name: …'"));
        }
    }

    private static String kind(JsonNode node) {
        return node.isObject() ? "a map" : node.isTextual() ? "a string" : node.isNumber() ? "a number"
                : node.isBoolean() ? "a boolean" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static void dataVolume(LocatedObject o, ClusterFacts facts, List<Finding> out) {
        JsonNode storage = o.body().at("/spec/storage");
        String cls = storage.path("storageClassName").asText("");
        facts.storageClasses().ifPresent(classes -> {
            if (!cls.isEmpty() && !classes.contains(cls)) {
                out.add(Finding.at(o, "/spec/storage/storageClassName", STORAGE_CLASS_MISSING, "StorageClass " + cls
                        + " does not exist in the cluster; fix the storage map"));
            }
        });
        String virtual = o.body().at("/metadata/annotations").path("kv-migrate.dev/virtual-size").asText("");
        String size = storage.at("/resources/requests/storage").asText("");
        if (virtual.isEmpty() || size.isEmpty()) {
            return;
        }
        long requestBytes;
        long virtualBytes;
        try {
            virtualBytes = Long.parseLong(virtual);
            requestBytes = io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(
                    new io.fabric8.kubernetes.api.model.Quantity(size)).setScale(0, java.math.RoundingMode.CEILING)
                    .longValueExact();
        } catch (IllegalArgumentException | ArithmeticException e) {
            out.add(Finding.at(o, "/spec/storage/resources/requests/storage", VOLUME_SIZE_INVALID,
                    "size '" + size
                    + "' or virtual size '" + virtual + "' is not a valid quantity: " + e.getMessage()));
            return;
        }
        Optional<String> storageClass = cls.isEmpty() ? Optional.empty() : Optional.of(cls);
        // Without a volume mode CDI takes the first set of the class's StorageProfile; Filesystem when none says.
        String mode = storage.path("volumeMode").asText("");
        boolean block = mode.isEmpty() ? facts.storage().flatMap(c -> c.profileOf(storageClass))
                .flatMap(p -> p.claimPropertySets().stream().findFirst()).flatMap(ClaimPropertySet::volumeMode)
                .map("Block"::equals).orElse(false) : mode.equals("Block");
        FilesystemOverhead.Overhead overhead = facts.storage().map(c -> c.overheadOf(storageClass))
                .orElse(FilesystemOverhead.Overhead.DEFAULT);
        long needed = block ? virtualBytes : overhead.inflate(virtualBytes);
        if (requestBytes < needed) {
            out.add(Finding.at(o, "/spec/storage/resources/requests/storage", VOLUME_TOO_SMALL,
                    "requested " + size
                    + " (" + requestBytes + " bytes) is smaller than the image's virtual size " + virtualBytes
                    + (block ? "" : overheadText(overhead)) + " = " + needed + " bytes"));
        }
    }

    /** {@code " plus CDI's 5.5% filesystem overhead"}, or the cluster's with where it comes from. */
    static String overheadText(FilesystemOverhead.Overhead overhead) {
        return overhead.equals(FilesystemOverhead.Overhead.DEFAULT)
                ? " plus CDI's " + overhead.percent() + " filesystem overhead"
                : " plus the " + overhead.percent() + " filesystem overhead of " + overhead.source();
    }
}
