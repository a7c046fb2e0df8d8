package dev.kvmigrate.converter;

import static dev.kvmigrate.converter.Trees.obj;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.converter.gpu.DeviceRequest;
import dev.kvmigrate.converter.gpu.DeviceResolver;
import dev.kvmigrate.converter.gpu.DraClaims;
import dev.kvmigrate.converter.gpu.Eviction;
import dev.kvmigrate.converter.gpu.NodePinning;
import dev.kvmigrate.converter.mapping.EvictionStrategy;
import dev.kvmigrate.converter.mapping.InstancetypeChoice;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.converter.storage.StorageChoice;
import dev.kvmigrate.converter.storage.StorageProfile;
import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.concern.KubernetesName;
import dev.kvmigrate.inventory.concern.Stage;
import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.inventory.model.Severity;
import dev.kvmigrate.inventory.model.SourceRef;
import dev.kvmigrate.inventory.model.Vm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One VM → a {@code kubevirt.io/v1} VirtualMachine, its DataVolumes and, when GPUs are claimed through DRA, its
 * ResourceClaimTemplate. A pure function of its inputs.
 */
public final class VmConverter {
    public static final String ANNOTATION_PREFIX = "kv-migrate.dev/";
    private static final Set<String> WATCHDOG_ACTIONS = Set.of("poweroff", "reset", "shutdown");

    private VmConverter() {}

    /**
     * Scan concerns the converter decides again with the mappings in hand: every code the converter decides, which
     * the scan can only raise as a warning ("add a mapping …"). A GPU the source could not name, a disk of unknown
     * size, an unmapped host device or NIC is a blocker only when no mapping resolves it; the converter drops the
     * scan's copy and raises its own when it is still unresolved.
     */
    static final Set<String> DECIDED_WITH_MAPPINGS = ConcernCode.decidedBy(Stage.CONVERT);

    /**
     * Converts one VM into its migration unit.
     *
     * @param vm the VM; its own blockers stop it before anything is built. The unit's concerns are the scan's
     *     (less those decided here) followed by the converter's: each fact once, under one code
     * @param targetName the Kubernetes name it was given (already unique, overrides applied)
     * @param source where the inventory came from
     * @param overrides per-VM choices that win over mappings and defaults
     * @param instancetype the instancetype/preference to reference instead of inline sizing, if any
     * @param uniqueDvName gives a DataVolume name unique within the conversion
     */
    public static MigrationUnit convert(Vm vm, String targetName, SourceRef source, Mappings mappings,
            ConvertOptions options, VmOverrides overrides, InstancetypeChoice instancetype,
            UnaryOperator<String> uniqueDvName) {
        List<Concern> concerns = new ArrayList<>();
        Optional<String> namespace = overrides.namespace().or(options::namespace);
        if (!targetName.equals(vm.name())) {
            concerns.add(ConcernCode.NAME_CHANGED.of("VM " + vm.name() + (KubernetesName.isValid(vm.name())
                    ? " is named " + targetName + " on the target"
                    : ": the name is not a valid Kubernetes name; the target VM is named " + targetName)
                    + " (override it in the plan)"));
        }
        boolean scanBlocked = vm.concerns().stream().anyMatch(c -> c.severity() == Severity.BLOCKER
                && !DECIDED_WITH_MAPPINGS.contains(c.code()));
        if (scanBlocked) {
            // Nothing is decided here: the scan's concerns stay as it raised them.
            List<Concern> all = new ArrayList<>(vm.concerns());
            all.addAll(concerns);
            return MigrationUnit.blocked(vm.name(), targetName, namespace, all);
        }
        concerns.addAll(0, vm.concerns().stream().filter(c -> !DECIDED_WITH_MAPPINGS.contains(c.code())).toList());
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.MANAGED_BY, "kv-migrate");
        labels.put(Labels.SOURCE_KIND, source.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        options.plan().ifPresent(p -> {
            labels.put(Labels.PLAN, p);
            labels.put(Labels.VM, targetName);
        });
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(ANNOTATION_PREFIX + "source-name", vm.name());
        annotations.put(ANNOTATION_PREFIX + "source-id", vm.id());
        annotations.put(ANNOTATION_PREFIX + "source-location", source.location());
        options.plan().ifPresent(p -> annotations.put(ANNOTATION_PREFIX + "plan", p));

        DeviceResolver.Resolution devices = DeviceResolver.resolve(vm, mappings, options.cluster());
        concerns.addAll(devices.concerns());
        concerns.addAll(GuestReadiness.gpuDrivers(vm, mappings));
        GuestReadiness.Decision guest = GuestReadiness.decide(vm, mappings);
        List<DeviceRequest> requests = new ArrayList<>(devices.gpus());
        requests.addAll(devices.hostDevices());
        Optional<EvictionStrategy> eviction = Eviction.strategy(requests, mappings.evictionStrategy());
        boolean liveMigrates = Eviction.needsGate(requests, mappings.evictionStrategy());
        DiskMapping.Disks disks = DiskMapping.map(vm, source, targetName, namespace, mappings, options,
                overrides.storageClass(), liveMigrates ? StorageChoice.RwxWanted.YES : StorageChoice.RwxWanted.NO,
                uniqueDvName, labels, guest, concerns::add);
        NetworkMapping.Networks nets = NetworkMapping.map(vm, mappings, overrides.keepMacs(), guest, concerns::add);
        GuestReadiness.concern(vm, guest, disks.compat(), nets.compat()).ifPresent(concerns::add);

        ObjectNode domain = obj();
        boolean inlineSizing = instancetype.instancetype().isEmpty();
        if (inlineSizing) {
            domain.set("cpu", DomainMapping.cpu(vm.cpu(), vm.memory()));
            domain.set("memory", DomainMapping.memory(vm.memory(), vm.name(), concerns::add));
        }
        domain.set("machine", DomainMapping.machine(vm, concerns::add));
        ObjectNode firmware = DomainMapping.firmware(vm, concerns::add);
        domain.set("firmware", firmware);
        boolean secure = firmware.path("bootloader").path("efi").path("secureBoot").asBoolean(false);
        DomainMapping.features(vm, secure).ifPresent(f -> domain.set("features", f));
        domain.set("clock", DomainMapping.clock(vm, concerns::add));
        ObjectNode devicesNode = domain.putObject("devices");
        devicesNode.set("disks", disks.disks());
        if (nets.interfaces().isEmpty()) {
            devicesNode.put("autoattachPodInterface", false);
        } else {
            devicesNode.set("interfaces", nets.interfaces());
        }
        if (!devices.gpus().isEmpty()) {
            devicesNode.set("gpus", gpus(devices.gpus()));
        }
        if (!devices.hostDevices().isEmpty()) {
            ArrayNode hd = devicesNode.putArray("hostDevices");
            for (int i = 0; i < devices.hostDevices().size(); i++) {
                hd.addObject().put("name", "hostdev" + i).put("deviceName", devices.hostDevices().get(i).resource());
            }
        }
        boolean windows = DomainMapping.isWindows(vm);
        boolean tpm = vm.tpm().isPresent() || windows;
        if (tpm) {
            devicesNode.putObject("tpm").put("persistent", true);
            if (vm.tpm().isEmpty()) {
                concerns.add(ConcernCode.TPM_ADDED.at("tpm", "VM " + vm.name() + ": a Windows guest gets a"
                        + " persistent TPM"));
            }
        }
        vm.watchdog().ifPresent(w -> {
            if (w.model().equalsIgnoreCase("i6300esb")) {
                String action = WATCHDOG_ACTIONS.contains(w.action()) ? w.action() : "reset";
                devicesNode.putObject("watchdog").put("name", "watchdog").putObject("i6300esb")
                        .put("action", action);
            } else {
                concerns.add(ConcernCode.WATCHDOG_DROPPED.at("watchdog", "VM " + vm.name() + ": watchdog model "
                        + w.model() + " is left out; KubeVirt offers i6300esb only"));
            }
        });

        NodePinning.Pin pin = NodePinning.of(requests);
        pin.conflict().ifPresent(why -> concerns.add(ConcernCode.GPU_NODE_GROUP_CONFLICT.of("VM " + vm.name()
                + ": its SR-IOV vGPUs are pinned to node groups that contradict each other (" + why + "); no node"
                + " has both, fix the nodeGroups entries")));
        if (Eviction.liveMigrateRefused(requests, mappings.evictionStrategy())) {
            concerns.add(ConcernCode.EVICTION_NOT_MIGRATABLE.of("VM " + vm.name() + ": the mappings ask for"
                    + " evictionStrategy LiveMigrate, but " + Eviction.reason(requests).orElseThrow() + "; it gets"
                    + " None so node drains finish (a drain shuts it down)"));
        }
        if (liveMigrates) {
            List<String> noRwxClass = new ArrayList<>();
            List<String> notShared = new ArrayList<>();
            for (DiskTransfer d : disks.transfers()) {
                Optional<String> cls = storageClass(d);
                Optional<StorageProfile> profile = options.storage().flatMap(c -> c.profileOf(cls));
                if (profile.isPresent() && !profile.get().claimPropertySets().isEmpty() && !profile.get().offersRwx()) {
                    noRwxClass.add(d.dataVolume() + " (storage class " + profile.get().storageClass() + ", whose"
                            + " StorageProfile offers " + profile.get().describeSets() + ")");
                } else if (!readWriteMany(d)) {
                    notShared.add(d.dataVolume());
                }
            }
            if (!noRwxClass.isEmpty()) {
                concerns.add(ConcernCode.EVICTION_NEEDS_RWX.of("VM " + vm.name() + ": set to live-migrate its vGPU,"
                        + " but DataVolume(s) " + String.join(", ", noRwxClass) + " cannot be ReadWriteMany; live"
                        + " migration needs shared storage, so map them to a storage class that offers"
                        + " ReadWriteMany"));
            }
            if (!notShared.isEmpty()) {
                concerns.add(ConcernCode.EVICTION_NEEDS_RWX.of("VM " + vm.name() + ": set to live-migrate its vGPU,"
                        + " but DataVolume(s) " + String.join(", ", notShared) + " are not ReadWriteMany; live"
                        + " migration needs shared storage, so set accessModes [ReadWriteMany] for them in the"
                        + " storage map (or rely on a StorageProfile that gives RWX)"));
            }
        }

        boolean blocked = concerns.stream().anyMatch(c -> c.severity() == Severity.BLOCKER);
        if (blocked) {
            return MigrationUnit.blocked(vm.name(), targetName, namespace, concerns);
        }
        ObjectNode vmNode = obj().put("apiVersion", "kubevirt.io/v1").put("kind", "VirtualMachine");
        vmNode.set("metadata", Trees.metadata(targetName, namespace, labels, annotations));
        ObjectNode spec = vmNode.putObject("spec");
        spec.put("runStrategy", overrides.runStrategy().orElseGet(() -> runStrategy(vm)));
        instancetype.instancetype().ifPresent(name -> spec.putObject("instancetype")
                .put("kind", instancetype.instancetypeKindOrDefault()).put("name", name));
        instancetype.preference().ifPresent(name -> spec.putObject("preference")
                .put("kind", instancetype.preferenceKindOrDefault()).put("name", name));
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("kubevirt.io/domain", targetName);
        ObjectNode tspec = template.putObject("spec");
        tspec.set("domain", domain);
        if (!nets.networks().isEmpty()) {
            tspec.set("networks", nets.networks());
        }
        tspec.set("volumes", disks.volumes());
        eviction.ifPresent(e -> tspec.put("evictionStrategy", e.value()));
        if (!pin.labels().isEmpty()) {
            ObjectNode selector = tspec.putObject("nodeSelector");
            pin.labels().forEach(selector::put);
        }
        List<DraClaims.Request> claims = draRequests(devices.gpus());
        Optional<Manifest> claimTemplate = Optional.empty();
        if (!claims.isEmpty()) {
            tspec.putArray("resourceClaims").addObject().put("name", DraClaims.CLAIM)
                    .put("resourceClaimTemplateName", targetName);
            claimTemplate = Optional.of(Manifest.of("resourceclaimtemplate-" + targetName + ".yaml",
                    DraClaims.template(Trees.metadata(targetName, namespace, labels, Map.of()), claims)));
        }

        boolean persistent = tpm || vm.firmware().bootMode() == BootMode.UEFI && vm.firmware().nvram().isPresent();
        return new MigrationUnit(vm.name(), targetName, namespace,
                Optional.of(Manifest.of("virtualmachine-" + targetName + ".yaml", vmNode)), claimTemplate,
                disks.transfers(), requests, concerns, persistent);
    }

    /** Whether a DataVolume asks for ReadWriteMany access (live migration needs it). */
    private static boolean readWriteMany(DiskTransfer d) {
        for (com.fasterxml.jackson.databind.JsonNode mode : d.manifest().tree().at("/spec/storage/accessModes")) {
            if (mode.asText().equals("ReadWriteMany")) {
                return true;
            }
        }
        return false;
    }

    /** The storage class a DataVolume names, if any. */
    private static Optional<String> storageClass(DiskTransfer d) {
        String cls = d.manifest().tree().at("/spec/storage/storageClassName").asText("");
        return cls.isEmpty() ? Optional.empty() : Optional.of(cls);
    }

    /** One claim request per DRA-claimed GPU, named after its place in {@code gpus[]}. */
    private static List<DraClaims.Request> draRequests(List<DeviceRequest> gpus) {
        List<DraClaims.Request> out = new ArrayList<>();
        for (int i = 0; i < gpus.size(); i++) {
            if (gpus.get(i).isDra()) {
                out.add(new DraClaims.Request(DraClaims.requestName(i), gpus.get(i)));
            }
        }
        return out;
    }

    /** HA or running on the source → Always; otherwise Halted (start it once the disks are in). */
    static String runStrategy(Vm vm) {
        return vm.placement().highAvailability() || vm.powerState() == PowerState.RUNNING ? "Always" : "Halted";
    }

    /** {@code gpus[]}: a device-plugin GPU by {@code deviceName}, a DRA-claimed one by claim and request name. */
    private static ArrayNode gpus(List<DeviceRequest> gpus) {
        ArrayNode arr = Trees.F.arrayNode();
        for (int i = 0; i < gpus.size(); i++) {
            DeviceRequest g = gpus.get(i);
            ObjectNode n = arr.addObject().put("name", "gpu" + i);
            if (g.isDra()) {
                n.put("claimName", DraClaims.CLAIM).put("requestName", DraClaims.requestName(i));
            } else {
                n.put("deviceName", g.resource());
            }
            if (g.kind() == DeviceRequest.Kind.VGPU) {
                ObjectNode display = n.putObject("virtualGPUOptions").putObject("display");
                display.put("enabled", g.display());
                display.putObject("ramFB").put("enabled", g.ramfb());
            }
        }
        return arr;
    }
}
