package dev.kvmigrate.cli;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.converter.ConversionReport;
import dev.kvmigrate.converter.ConversionResult;
import dev.kvmigrate.converter.ConvertOptions;
import dev.kvmigrate.converter.Converter;
import dev.kvmigrate.converter.ManifestWriter;
import dev.kvmigrate.converter.OutputFormat;
import dev.kvmigrate.converter.validate.ClusterFacts;
import dev.kvmigrate.converter.validate.ClusterProbe;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.kvmigrate.converter.mapping.GpuTarget;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.converter.mapping.MappingsReader;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.InventoryCodec;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.plans.run.PlanConversion;
import dev.kvmigrate.plans.run.PlanRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kv-migrate convert}: inventory → KubeVirt manifests, the admin patch and the concerns report. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert VMs of an inventory into KubeVirt VirtualMachines and CDI DataVolumes, with GPU"
                + " requests, the KubeVirt CR patch that permits them, and a concerns report. VMs with a blocker are"
                + " reported and not written; the others are. With --from-cluster the cluster's KubeVirt CR,"
                + " DeviceClasses, ResourceSlices and nodes decide gpuTarget auto, give the GPUs their cluster names"
                + " and block the VMs the cluster has no devices for.",
        footer = {"", "Output in DIR: one YAML per object (kubectl apply -f DIR), Kustomization (kubectl apply -k"
                + " DIR), admin/kubevirt-cr-patch.yaml, admin/summary.md, admin/concerns.yaml.",
            "", "Exit codes: 0 every VM written, 1 some VM blocked (the others are written), 2 usage, 3 invalid"
                + " inventory or mappings, 6 I/O error."})
final class ConvertCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    DebugOption debug;

    @Option(names = "--inventory", paramLabel = "FILE", description = "Inventory file (JSON/YAML); with --from-plan,"
            + " instead of scanning the plan's source.")
    Path inventory;

    @Option(names = "--from-plan", paramLabel = "PLAN", description = "Convert as the plan does: its source (unless"
            + " --inventory is given), VM selection, mappings, per-VM overrides, namespace and owner labels; the"
            + " objects are the ones `plan run` creates.")
    Path fromPlan;

    @Option(names = "--vm", paramLabel = "NAME|GLOB", description = "VMs to convert (repeatable); all by default.")
    List<String> vms = new ArrayList<>();

    @Option(names = "--map", paramLabel = "FILE", description = "Mappings file (docs/mappings.md).")
    Path map;

    @Option(names = "--gpu-target", paramLabel = "auto|device-plugin|dra", description = "How the cluster serves"
            + " GPUs: device-plugin (deviceName + permittedHostDevices), dra (passthrough GPUs claimed through a"
            + " ResourceClaimTemplate, KubeVirt v1.9 GPUsWithDRA; vGPUs stay on the device plugin) or auto (decided"
            + " from the cluster with --from-cluster, else device-plugin). Overrides the mappings' gpuTarget;"
            + " default auto.")
    String gpuTarget;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--target-namespace", paramLabel = "NS", description = "Namespace written into every object.")
    String namespace;

    @Option(names = "--plan", paramLabel = "NAME", description = "Plan name recorded in an annotation.")
    String plan;

    @Option(names = {"-o", "--output"}, paramLabel = "yaml|json", defaultValue = "yaml",
            description = "Manifest format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output directory; replaced atomically, refused when it holds files kv-migrate did not"
                    + " write.")
    Path out;

    @Option(names = "--emit-instancetypes",
            description = "Write one instancetype + preference per distinct shape instead of inline CPU/memory.")
    boolean emitInstancetypes;

    @Option(names = "--imageio-url", paramLabel = "URL",
            description = "Pull oVirt disks with CDI's imageio source from this engine API URL instead of upload.")
    String imageioUrl;

    @Option(names = "--imageio-secret", paramLabel = "NAME", description = "Secret with the engine credentials.")
    String imageioSecret;

    @Option(names = "--imageio-ca-configmap", paramLabel = "NAME", description = "ConfigMap with the engine CA.")
    String imageioCa;

    @Override
    public Integer call() {
        if ((imageioUrl == null) != (imageioSecret == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--imageio-url and --imageio-secret go together");
        }
        cluster.checkUsage(spec);
        ConversionResult result = fromPlan != null ? planConversion() : conversion();
        ManifestWriter.write(result, out, format);
        var w = spec.commandLine().getOut();
        w.print(ConversionReport.text(result));
        long written = result.vms().stream().filter(v -> !v.blocked()).count();
        w.println("wrote " + result.manifests().size() + " objects for " + written + " of " + result.vms().size()
                + " VMs to " + out + (result.anyBlocked() ? " (blocked VMs are listed in admin/concerns.yaml)" : ""));
        w.flush();
        return result.anyBlocked() ? ExitCode.FINDINGS.code() : ExitCode.OK.code();
    }

    private ConversionResult conversion() {
        if (inventory == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give --inventory FILE (or"
                    + " --from-plan PLAN)");
        }
        Inventory inv = InventoryCodec.read(inventory);
        Mappings mappings = map == null ? Mappings.NONE : MappingsReader.read(map);
        if (gpuTarget != null) {
            mappings = mappings.withGpuTarget(gpuTarget());
        }
        ConvertOptions options = new ConvertOptions(Optional.ofNullable(namespace), Optional.ofNullable(plan),
                Optional.ofNullable(imageioUrl).map(u -> new ConvertOptions.Imageio(u, imageioSecret,
                        Optional.ofNullable(imageioCa))), emitInstancetypes);
        Optional<ClusterFacts> facts = clusterFacts();
        options = options.withCluster(facts.flatMap(ClusterFacts::gpus))
                .withStorage(facts.flatMap(ClusterFacts::storage));
        return Converter.convert(inv, VmSelector.of(vms), mappings, options);
    }

    /** What the cluster says (GPUs, StorageProfiles, filesystem overhead), with {@code --from-cluster}. */
    private Optional<ClusterFacts> clusterFacts() {
        Optional<KubernetesClient> client = cluster.connect();
        if (client.isEmpty()) {
            return Optional.empty();
        }
        try (KubernetesClient c = client.get()) {
            return Optional.of(ClusterProbe.probe(c).facts());
        }
    }

    private GpuTarget gpuTarget() {
        try {
            return GpuTarget.of(gpuTarget);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--gpu-target: " + e.getMessage());
        }
    }

    private ConversionResult planConversion() {
        if (map != null || namespace != null || plan != null || !vms.isEmpty() || imageioUrl != null
                || emitInstancetypes || gpuTarget != null || cluster.fromCluster) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--from-plan takes mappings,"
                    + " namespace, VM selection, plan name and cluster from the plan; drop --map, --gpu-target,"
                    + " --target-namespace, --vm, --plan, --imageio-*, --emit-instancetypes and --from-cluster, or"
                    + " edit the plan");
        }
        LoadedPlan lp = PlanReader.read(fromPlan);
        return (inventory == null ? PlanRun.prepare(lp, problem -> spec.commandLine().getErr()
                .println("kv-migrate: warning: " + problem)) : PlanConversion.prepare(lp, InventoryCodec.read(inventory)))
                .result();
    }
}
