package dev.kvmigrate.plans.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.Quantities;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.converter.Manifest;
import dev.kvmigrate.converter.OutputFormat;
import dev.kvmigrate.importer.sink.CdiUploadSink.PublishedProxy;
import dev.kvmigrate.inventory.concern.KubernetesName;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.MigrationPlan;
import dev.kvmigrate.plans.model.PlanSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Scale-out with Kubernetes as the engine: one <em>Indexed Job</em> per wave, each index one VM, running
 * {@code kv-migrate plan run} from the project's image in a pod.
 *
 * <ul>
 *   <li><b>Concurrency</b> is the Job's {@code parallelism} (the plan's {@code concurrency}, at most the wave's
 *       size); {@code completions} is the number of VMs in the wave; an index finds its VM in the wave's list in the
 *       plan ConfigMap ({@code wave-N.json}) by {@code JOB_COMPLETION_INDEX}.</li>
 *   <li><b>Failures</b>: {@code backoffLimitPerIndex} retries one VM without sinking the others; the
 *       {@code podFailurePolicy} fails an index at once on exit codes 2 (usage) and 3 (invalid plan or input), which
 *       no retry mends, and ignores pod disruptions (eviction, preemption, node drain), which are not the VM's
 *       fault. Source or target errors (4, 5) and a failed VM (1) are retried: a retry resumes from the run state
 *       the pods keep in the cluster ({@code --state-in-cluster}), so finished disks are not sent again.</li>
 *   <li><b>GPU waves</b> are successive Jobs: wave 1 runs at once, later waves are created <em>suspended</em>, and a
 *       coordinator Job in the cluster ({@code plan coordinate}) unsuspends wave N+1 when wave N's Job has
 *       finished. The workstation may exit after submitting; the cluster holds the order (the suspended Jobs are
 *       there for {@code kubectl} to see).</li>
 *   <li><b>Bandwidth</b>: the plan's cap is split evenly across the pods that can run at once: each pod's plan says
 *       {@code cap / parallelism} (and {@code bandwidth-share} in the ConfigMap, for people and the report).</li>
 *   <li><b>RBAC</b>, least privilege, namespaced only: a ServiceAccount, Role and RoleBinding for the workers
 *       (their run state ConfigMaps, the kinds of object their migration units hold, DataVolumes/PVCs, upload
 *       tokens, hook Jobs) in each namespace they write to, and another set for the coordinator (get/list/watch/patch
 *       on Jobs). No {@code *}, no ClusterRole: the cluster-scoped facts (StorageProfiles, CDIConfig, nodes, the
 *       KubeVirt CR) are read once by the workstation and carried in the ConfigMap ({@code cluster-facts.json},
 *       the upload proxy's URL and CA), so the pods convert exactly as the workstation did.</li>
 * </ul>
 *
 * An oVirt password comes from the Secret {@code kvm-<plan>-source} (key {@code password}), never from the
 * ConfigMap. Everything is idempotent by name: submitting again creates only what is missing.
 */
public final class KubernetesExecutor {
    public static final String LABEL_WAVE = "kv-migrate.dev/wave";
    public static final String LABEL_ROLE = "kv-migrate.dev/role";
    /** The ConfigMap's key holding the objects the Jobs create, one YAML document each. */
    public static final String OBJECTS_KEY = "objects.yaml";
    /** The ConfigMap's key holding the cluster facts the plan was converted with. */
    public static final String FACTS_KEY = "cluster-facts.json";
    /** The ConfigMap's key holding the upload proxy's CA, when known. */
    public static final String PROXY_CA_KEY = "uploadproxy-ca.pem";
    /** The ConfigMap's key stating each pod's share of the plan's bandwidth cap, for people and the report. */
    public static final String BANDWIDTH_KEY = "bandwidth-share";
    /** Retries of one VM's pod ({@code backoffLimitPerIndex}); each retry resumes from the cluster's run state. */
    public static final int RETRIES_PER_VM = 2;
    /** Exit codes no retry mends: usage (2) and invalid plan or input (3). */
    static final List<Integer> PERMANENT_EXIT_CODES = List.of(2, 3);
    static final String CONTAINER = "kv-migrate";
    static final String PLAN_DIR = "/plan";
    private static final YAMLMapper YAML = Mappers.yaml();
    private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization SERIALIZATION =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();

    private KubernetesExecutor() {}

    /**
     * What a submission is made of besides the plan.
     *
     * @param waves the VMs of each wave, in order (one wave when the target's GPUs suffice or no VM is started)
     * @param concurrency VMs at a time (each wave Job's {@code parallelism}, at most its size)
     * @param proxy the upload proxy the pods use, as CDI publishes it (empty: the plan's, or unknown in a dry run)
     * @param image the container image
     * @param namespace where the Jobs run (the plan's target namespace)
     */
    public record Submission(List<List<String>> waves, int concurrency, Optional<PublishedProxy> proxy, String image,
            String namespace) {
        public Submission {
            waves = waves.stream().filter(w -> !w.isEmpty()).map(List::copyOf).toList();
            if (concurrency < 1) {
                throw new KvMigrateException(dev.kvmigrate.common.ExitCode.USAGE, "--concurrency must be at least 1,"
                        + " got " + concurrency);
            }
        }

        /** Pods running at once at most: the widest wave's parallelism. */
        public int pods() {
            return waves.stream().mapToInt(w -> Math.min(concurrency, w.size())).max().orElse(1);
        }
    }

    /**
     * Refuses a plan whose Jobs could not work: a directory target, or a source that is a local path of this
     * machine.
     */
    public static void requireRunnable(LoadedPlan lp) {
        MigrationPlan plan = lp.plan();
        if (plan.target().isDir()) {
            throw KvMigrateException.invalidInput("--executor kubernetes needs a cluster target; " + lp.file()
                    + " targets " + plan.target().describe());
        }
        if (plan.source().kind() == PlanSource.Kind.XML_DIR || plan.source().kind() == PlanSource.Kind.OVA) {
            throw KvMigrateException.invalidInput("--executor kubernetes: the plan's source (" + plan.source()
                    .describe() + ") is a local path the Jobs' pods cannot read; run it locally, or use a libvirt"
                    + " or oVirt source");
        }
    }

    /** {@code kvm-<plan>}: the prefix of every object of the plan's scale-out. */
    public static String base(String plan) {
        return KubernetesName.of("kvm-" + plan);
    }

    /** The Job of wave {@code wave} (1-based). */
    public static String waveJob(String plan, int wave) {
        return KubernetesName.of(base(plan) + "-wave-" + wave);
    }

    public static String coordinatorJob(String plan) {
        return KubernetesName.of(base(plan) + "-coordinator");
    }

    /**
     * Everything the scale-out needs, in creation order: RBAC, the plan ConfigMap, one Indexed Job per wave (later
     * waves suspended), and the coordinator when there is more than one wave. The migration units are converted in
     * the submission's namespace.
     */
    public static List<HasMetadata> objects(PlanConversion.Prepared p, Submission s) {
        LoadedPlan lp = p.plan();
        MigrationPlan plan = lp.plan();
        String base = base(plan.name());
        PlanConversion.Prepared inCluster = PlanConversion.prepareIn(p, s.namespace());
        Set<String> vms = new LinkedHashSet<>();
        s.waves().forEach(vms::addAll);
        List<Manifest> units = new ArrayList<>();
        for (VmWork w : inCluster.vms()) {
            if (vms.contains(w.name())) {
                units.addAll(w.unit().objects());
            }
        }
        boolean coordinated = s.waves().size() > 1;
        List<HasMetadata> out = new ArrayList<>();
        out.addAll(rbac(plan.name(), base, "worker", s.namespace(), workerNamespaces(units, s.namespace()),
                workerRules(units)));
        if (coordinated) {
            out.addAll(rbac(plan.name(), base + "-coordinator", "coordinator", s.namespace(),
                    Set.of(s.namespace()), List.of(rule("batch", "jobs", "get", "list", "watch", "patch"))));
        }
        out.add(configMap(p, inCluster, units, s));
        for (int i = 0; i < s.waves().size(); i++) {
            out.add(waveJob(plan, i + 1, s.waves().get(i).size(), Math.min(s.concurrency(), s.waves().get(i).size()),
                    i > 0, s));
        }
        if (coordinated) {
            out.add(coordinatorJob(plan, s));
        }
        return out;
    }

    /** The target namespace and every namespace a migration unit's object lands in (overrides may name others). */
    static Set<String> workerNamespaces(List<Manifest> units, String namespace) {
        Set<String> out = new TreeSet<>();
        out.add(namespace);
        units.forEach(m -> m.namespace().ifPresent(out::add));
        return out;
    }

    /**
     * What a worker does in the API, and nothing more: its run state ConfigMaps; get and create for each kind its
     * migration units hold (by their API group); DataVolumes and PVCs watched and annotated while disks are sent;
     * upload tokens; events read to explain a stuck volume; VirtualMachines updated to start them and their
     * instances read; hook Jobs.
     */
    static List<PolicyRule> workerRules(List<Manifest> units) {
        Map<String, Map<String, Set<String>>> verbs = new TreeMap<>();
        add(verbs, "", "configmaps", "get", "list", "create", "update");
        for (Manifest m : units) {
            add(verbs, group(m.apiVersion()), plural(m.kind()), "get", "create");
        }
        add(verbs, "cdi.kubevirt.io", "datavolumes", "get", "list", "watch", "create", "patch");
        add(verbs, "", "persistentvolumeclaims", "get", "list", "watch", "create", "patch");
        add(verbs, "upload.cdi.kubevirt.io", "uploadtokenrequests", "create");
        add(verbs, "", "events", "list");
        add(verbs, "kubevirt.io", "virtualmachines", "get", "update");
        add(verbs, "kubevirt.io", "virtualmachineinstances", "get");
        add(verbs, "batch", "jobs", "get", "create");
        List<PolicyRule> rules = new ArrayList<>();
        verbs.forEach((group, resources) -> resources.forEach((resource, v) -> rules.add(rule(group, resource,
                v.toArray(String[]::new)))));
        return rules;
    }

    private static void add(Map<String, Map<String, Set<String>>> verbs, String group, String resource,
            String... v) {
        verbs.computeIfAbsent(group, g -> new TreeMap<>()).computeIfAbsent(resource, r -> new TreeSet<>())
                .addAll(List.of(v));
    }

    private static PolicyRule rule(String group, String resource, String... verbs) {
        return new PolicyRuleBuilder().withApiGroups(group).withResources(resource).withVerbs(verbs).build();
    }

    private static String group(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** The resource name of a kind: lower case, plural ({@code ResourceClaimTemplate} → resourceclaimtemplates). */
    static String plural(String kind) {
        String k = kind.toLowerCase(Locale.ROOT);
        if (k.endsWith("s") || k.endsWith("x") || k.endsWith("ch")) {
            return k + "es";
        }
        if (k.endsWith("y") && !k.endsWith("ay") && !k.endsWith("ey") && !k.endsWith("oy")) {
            return k.substring(0, k.length() - 1) + "ies";
        }
        return k + "s";
    }

    /** A ServiceAccount in {@code namespace}, and a Role with a RoleBinding to it in each of {@code scopes}. */
    private static List<HasMetadata> rbac(String plan, String name, String role, String namespace, Set<String> scopes,
            List<PolicyRule> rules) {
        List<HasMetadata> out = new ArrayList<>();
        ServiceAccount sa = new ServiceAccountBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .withLabels(labels(plan, role)).endMetadata().build();
        out.add(sa);
        for (String scope : scopes) {
            Role r = new RoleBuilder().withNewMetadata().withName(name).withNamespace(scope)
                    .withLabels(labels(plan, role)).endMetadata().withRules(rules).build();
            RoleBinding b = new RoleBindingBuilder().withNewMetadata().withName(name).withNamespace(scope)
                    .withLabels(labels(plan, role)).endMetadata()
                    .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(name)
                    .endRoleRef()
                    .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(namespace).endSubject()
                    .build();
            out.add(r);
            out.add(b);
        }
        return out;
    }

    private static Map<String, String> labels(String plan, String role) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put(PlanConversion.LABEL_PLAN, plan);
        l.put(LABEL_ROLE, role);
        return l;
    }

    /** The wave file of wave {@code n}: a JSON array of its VMs' names, index order. */
    public static String waveKey(int n) {
        return "wave-" + n + ".json";
    }

    static ConfigMap configMap(PlanConversion.Prepared p, PlanConversion.Prepared inCluster, List<Manifest> units,
            Submission s) {
        LoadedPlan lp = p.plan();
        Map<String, String> data = new LinkedHashMap<>();
        Optional<String> caPem = s.proxy().flatMap(PublishedProxy::caPem);
        Optional<String> share = bandwidthShare(lp.plan(), s.pods());
        try {
            ObjectNode tree = (ObjectNode) YAML.readTree(Files.readString(lp.file()));
            // In the pod the cluster is the one the Job runs in: in-cluster credentials, the plan's namespace, the
            // upload proxy the workstation found (CDIConfig is cluster-scoped: the pods may not read it).
            ObjectNode cluster = YAML.createObjectNode();
            cluster.put("namespace", s.namespace());
            Optional<String> proxyUrl = lp.plan().target().cluster().flatMap(c -> c.uploadProxyUrl())
                    .or(() -> s.proxy().map(PublishedProxy::url));
            proxyUrl.ifPresent(u -> cluster.put("uploadProxyUrl", u));
            if (caPem.isPresent()) {
                cluster.put("uploadProxyCaFile", PLAN_DIR + "/" + PROXY_CA_KEY);
            }
            tree.putObject("target").set("cluster", cluster);
            share.ifPresent(b -> ((ObjectNode) tree.with("options")).put("bandwidth", b));
            data.put("plan.yaml", YAML.writeValueAsString(tree));
            for (int i = 0; i < s.waves().size(); i++) {
                ArrayNode names = YAML.createArrayNode();
                s.waves().get(i).forEach(names::add);
                data.put(waveKey(i + 1), names.toString());
            }
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read plan " + lp.file() + ": " + e.getMessage(), e);
        }
        StringBuilder docs = new StringBuilder();
        units.forEach(m -> docs.append("---\n").append(m.render(OutputFormat.YAML)));
        data.put(OBJECTS_KEY, docs.toString());
        data.put(FACTS_KEY, ConversionFacts.of(inCluster).toJson());
        caPem.ifPresent(pem -> data.put(PROXY_CA_KEY, pem));
        share.ifPresent(v -> data.put(BANDWIDTH_KEY, v + " B/s per pod (" + lp.plan().options().bandwidth()
                .orElseThrow() + " / " + s.pods() + " pods)"));
        ConfigMapBuilder b = new ConfigMapBuilder().withNewMetadata().withName(base(lp.plan().name()) + "-plan")
                .withNamespace(s.namespace()).addToLabels(PlanConversion.LABEL_PLAN, lp.plan().name()).endMetadata()
                .withData(data);
        return b.build();
    }

    /** Each pod's share of the plan's bandwidth cap, in bytes per second; empty when the plan has no cap. */
    public static Optional<String> bandwidthShare(MigrationPlan plan, int pods) {
        return plan.options().bandwidth().map(b -> Long.toString(Math.max(1,
                Quantities.bytesPerSecond(b, "options.bandwidth") / Math.max(1, pods))));
    }

    static Job waveJob(MigrationPlan plan, int wave, int vms, int parallelism, boolean suspended, Submission s) {
        String base = base(plan.name());
        List<String> args = List.of("plan", "run", PLAN_DIR + "/plan.yaml", "--vm-list", PLAN_DIR + "/"
                + waveKey(wave), "--cluster-facts", PLAN_DIR + "/" + FACTS_KEY, "--resume", "--state-dir", "/work",
                "--state-in-cluster");
        List<PodFailurePolicyRule> rules = List.of(
                new PodFailurePolicyRuleBuilder().withAction("FailIndex").withNewOnExitCodes()
                        .withContainerName(CONTAINER).withOperator("In").withValues(PERMANENT_EXIT_CODES)
                        .endOnExitCodes().build(),
                new PodFailurePolicyRuleBuilder().withAction("Ignore").addNewOnPodCondition()
                        .withType("DisruptionTarget").withStatus("True").endOnPodCondition().build());
        Map<String, String> labels = labels(plan.name(), "worker");
        labels.put(LABEL_WAVE, Integer.toString(wave));
        return new JobBuilder()
                .withNewMetadata().withName(waveJob(plan.name(), wave)).withNamespace(s.namespace())
                .withLabels(labels).endMetadata()
                .withNewSpec().withCompletionMode("Indexed").withCompletions(vms).withParallelism(parallelism)
                .withBackoffLimitPerIndex(RETRIES_PER_VM).withSuspend(suspended)
                .withNewPodFailurePolicy().withRules(rules).endPodFailurePolicy()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withSpec(pod(plan, base, args, s.image(), true)).endTemplate()
                .endSpec().build();
    }

    static Job coordinatorJob(MigrationPlan plan, Submission s) {
        String base = base(plan.name());
        Map<String, String> labels = labels(plan.name(), "coordinator");
        List<String> args = List.of("plan", "coordinate", PLAN_DIR + "/plan.yaml");
        return new JobBuilder()
                .withNewMetadata().withName(coordinatorJob(plan.name())).withNamespace(s.namespace())
                .withLabels(labels).endMetadata()
                .withNewSpec().withBackoffLimit(6)
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withSpec(pod(plan, base + "-coordinator", args, s.image(), false)).endTemplate()
                .endSpec().build();
    }

    /**
     * The pod: the image's own entrypoint runs the CLI (java -cp @/app/jib-classpath-file …KvMigrate; the image has
     * no shell), the Job gives only its arguments; the plan is read from the mounted ConfigMap, a run's local state
     * goes to the writable /work.
     */
    private static PodSpec pod(MigrationPlan plan, String serviceAccount, List<String> args, String image,
            boolean source) {
        List<EnvVar> env = new ArrayList<>();
        if (source) {
            plan.source().ovirt().flatMap(o -> o.passwordEnv()).ifPresent(var -> env.add(new EnvVarBuilder()
                    .withName(var).withNewValueFrom().withNewSecretKeyRef().withName(base(plan.name()) + "-source")
                    .withKey("password").endSecretKeyRef().endValueFrom().build()));
        }
        return new PodSpecBuilder().withServiceAccountName(serviceAccount).withRestartPolicy("Never")
                .addNewContainer().withName(CONTAINER).withImage(image).withArgs(args).withEnv(env)
                .addNewVolumeMount().withName("plan").withMountPath(PLAN_DIR).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("plan").withNewConfigMap().withName(base(plan.name()) + "-plan")
                .endConfigMap().endVolume()
                .addNewVolume().withName("work").withNewEmptyDir().endEmptyDir().endVolume()
                .build();
    }

    /** Creates what does not exist yet (by name); returns the names created. */
    public static List<String> create(KubernetesClient client, List<HasMetadata> objects) {
        List<String> created = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (client.resource(o).get() == null) {
                client.resource(o).create();
                created.add(o.getKind() + "/" + o.getMetadata().getName());
            }
        }
        return created;
    }

    /** The objects as one multi-document YAML stream ({@code kubectl apply -f}). */
    public static String yaml(List<HasMetadata> objects) {
        StringBuilder b = new StringBuilder();
        for (HasMetadata o : objects) {
            try {
                b.append("---\n").append(SERIALIZATION.asYaml(o).replaceFirst("^---\n", ""));
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot write " + o.getKind() + " as YAML", e);
            }
        }
        return b.toString();
    }
}
