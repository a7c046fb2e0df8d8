package dev.kvmigrate.plans.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.converter.OutputFormat;
import dev.kvmigrate.inventory.concern.KubernetesName;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.MigrationPlan;
import dev.kvmigrate.plans.model.PlanSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Scale-out: one Kubernetes Job per VM, each running {@code kv-migrate plan run PLAN --only VM --resume} from the
 * project's container image, with the plan in a ConfigMap. Inside the cluster the plan's target becomes the
 * in-cluster API (service account {@code kv-migrate}); an oVirt password comes from the Secret
 * {@code kvm-<plan>-source} (key {@code password}), never from the ConfigMap. Objects and disks are idempotent
 * by name and owner labels, so a Job that is retried continues where its pod stopped.
 */
public final class KubernetesExecutor {
    public static final String SERVICE_ACCOUNT = "kv-migrate";
    private static final YAMLMapper YAML = Mappers.yaml();
    private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization SERIALIZATION =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();

    private KubernetesExecutor() {}

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

    /** The ConfigMap's key holding the objects the Jobs create, one YAML document each. */
    public static final String OBJECTS_KEY = "objects.yaml";

    /**
     * The ConfigMap holding the plan and the objects its Jobs create (the migration units of {@code vms}, as they
     * are converted in {@code namespace}), then one Job per VM.
     */
    public static List<HasMetadata> objects(PlanConversion.Prepared p, List<String> vms, String image,
            String namespace) {
        LoadedPlan lp = p.plan();
        MigrationPlan plan = lp.plan();
        String base = KubernetesName.of("kvm-" + plan.name());
        List<HasMetadata> out = new ArrayList<>();
        PlanConversion.Prepared inCluster = PlanConversion.prepareIn(p, namespace);
        StringBuilder docs = new StringBuilder();
        for (VmWork w : inCluster.vms()) {
            if (vms.contains(w.name())) {
                w.unit().objects().forEach(m -> docs.append("---\n").append(m.render(OutputFormat.YAML)));
            }
        }
        out.add(configMap(lp, base, namespace, docs.toString()));
        for (String vm : vms) {
            String target = inCluster.vm(vm).map(VmWork::targetName).orElse(KubernetesName.of(vm));
            out.add(job(plan, base, vm, target, image, namespace));
        }
        return out;
    }

    static ConfigMap configMap(LoadedPlan lp, String base, String namespace, String objects) {
        String text;
        try {
            ObjectNode tree = (ObjectNode) YAML.readTree(Files.readString(lp.file()));
            // In the pod the cluster is the one the Job runs in: in-cluster credentials, the plan's namespace.
            ObjectNode cluster = YAML.createObjectNode();
            cluster.put("namespace", namespace);
            lp.plan().target().cluster().flatMap(c -> c.uploadProxyUrl()).ifPresent(u -> cluster.put("uploadProxyUrl",
                    u));
            tree.putObject("target").set("cluster", cluster);
            text = YAML.writeValueAsString(tree);
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read plan " + lp.file() + ": " + e.getMessage(), e);
        }
        return new ConfigMapBuilder().withNewMetadata().withName(base + "-plan").withNamespace(namespace)
                .addToLabels(PlanConversion.LABEL_PLAN, lp.plan().name()).endMetadata()
                .addToData("plan.yaml", text).addToData(OBJECTS_KEY, objects).build();
    }

    static Job job(MigrationPlan plan, String base, String vm, String targetName, String image, String namespace) {
        String name = KubernetesName.of(base + "-" + targetName);
        List<EnvVar> env = new ArrayList<>();
        plan.source().ovirt().flatMap(o -> o.passwordEnv()).ifPresent(var -> env.add(new EnvVarBuilder()
                .withName(var).withNewValueFrom().withNewSecretKeyRef().withName(base + "-source")
                .withKey("password").endSecretKeyRef().endValueFrom().build()));
        // The image's own entrypoint runs the CLI (java -cp @/app/jib-classpath-file …KvMigrate; the image has no
        // shell): the Job gives only its arguments. The plan is read from the mounted ConfigMap, the run's state
        // (journal, report) goes to the writable /work.
        List<String> args = List.of("plan", "run", "/plan/plan.yaml", "--only", vm, "--resume", "--state-dir",
                "/work");
        return new JobBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels(PlanConversion.LABEL_PLAN, plan.name())
                .addToLabels(PlanConversion.LABEL_VM, targetName).endMetadata()
                .withNewSpec().withBackoffLimit(3)
                .withNewTemplate().withNewMetadata().addToLabels(PlanConversion.LABEL_PLAN, plan.name())
                .addToLabels(PlanConversion.LABEL_VM, targetName).endMetadata()
                .withNewSpec().withServiceAccountName(SERVICE_ACCOUNT).withRestartPolicy("Never")
                .addNewContainer().withName("kv-migrate").withImage(image)
                .withArgs(args).withEnv(env)
                .addNewVolumeMount().withName("plan").withMountPath("/plan").withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("plan").withNewConfigMap().withName(base + "-plan").endConfigMap()
                .endVolume()
                .addNewVolume().withName("work").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().endTemplate().endSpec().build();
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
