package dev.kvmigrate.plans.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.converter.Manifest;
import dev.kvmigrate.converter.validate.ClusterProbe;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Kubernetes cluster with KubeVirt and CDI, through fabric8. Objects are created once and recognised afterwards
 * by name and the plan's owner labels; the KubeVirt CR is never touched here.
 */
public final class ClusterTarget implements Target, VmStarter, GpuCapacity, HookJobs {
    private static final ObjectMapper JSON = Mappers.json();
    private static final long POLL_MS = 1000;
    private final KubernetesClient client;
    private final String namespace;
    private final String plan;
    private final DiskImporter disks;

    ClusterTarget(KubernetesClient client, String namespace, String plan, DiskImporter disks) {
        this.client = client;
        this.namespace = namespace;
        this.plan = plan;
        this.disks = disks;
    }

    @Override
    public String describe() {
        return "cluster " + client.getMasterUrl().getHost() + "/" + namespace;
    }

    static ResourceDefinitionContext context(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        return new ResourceDefinitionContext.Builder()
                .withGroup(slash < 0 ? "" : apiVersion.substring(0, slash))
                .withVersion(apiVersion.substring(slash + 1))
                .withKind(kind)
                .withPlural(kind.toLowerCase(Locale.ROOT) + "s")
                .withNamespaced(true)
                .build();
    }

    private GenericKubernetesResource get(Manifest m) {
        return client.genericKubernetesResources(context(m.apiVersion(), m.kind()))
                .inNamespace(ns(m)).withName(m.name()).get();
    }

    private String ns(Manifest m) {
        return namespace(m.namespace());
    }

    /** The namespace an object lands in: its own, else the target's. */
    String namespace(java.util.Optional<String> own) {
        return own.orElse(namespace);
    }

    @Override
    public boolean ensure(Manifest object) {
        try {
            GenericKubernetesResource there = get(object);
            if (there != null) {
                Map<String, String> labels = there.getMetadata().getLabels() == null ? Map.of()
                        : there.getMetadata().getLabels();
                String owner = labels.getOrDefault(PlanConversion.LABEL_PLAN, "");
                if (!owner.equals(plan)) {
                    throw KvMigrateException.targetError(object.kind() + " " + ns(object) + "/" + object.name()
                            + " exists and " + (owner.isEmpty() ? "was not made by a kv-migrate plan" : "belongs to"
                            + " plan " + owner) + "; rename the VM with overrides.<vm>.targetName or remove it", null);
                }
                return false;
            }
            GenericKubernetesResource r = object.toResource();
            r.getMetadata().setNamespace(ns(object));
            client.genericKubernetesResources(context(r.getApiVersion(), r.getKind())).inNamespace(ns(object))
                    .resource(r).create();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return ensure(object);
            }
            throw KvMigrateException.targetError("cannot create " + object.kind() + " " + ns(object) + "/"
                    + object.name() + ": " + e.getMessage() + "; check the kubeconfig's permissions in "
                    + ns(object), e);
        }
    }

    @Override
    public boolean exists(Manifest object) {
        return get(object) != null;
    }

    @Override
    public List<String> removeVm(VmWork vm) {
        return PlanCleanup.clean(client, List.of(namespace(vm.namespace())), plan, java.util.Optional.of(
                vm.targetName()), false).stream().map(i -> i.kind() + "/" + i.name()).toList();
    }

    /** Whether the DataVolume exists and CDI reports it populated. */
    boolean dataVolumeSucceeded(String ns, String name) {
        GenericKubernetesResource dv = client.genericKubernetesResources(context("cdi.kubevirt.io/v1beta1",
                "DataVolume")).inNamespace(ns).withName(name).get();
        if (dv == null || !(dv.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
            return false;
        }
        return "Succeeded".equals(status.get("phase"));
    }

    @Override
    public DiskImporter disks() {
        return disks;
    }

    @Override
    public void start(java.util.Optional<String> vmNamespace, String vmName, Duration timeout) {
        String ns = namespace(vmNamespace);
        var vms = client.genericKubernetesResources(context("kubevirt.io/v1", "VirtualMachine")).inNamespace(ns);
        GenericKubernetesResource vm = vms.withName(vmName).get();
        if (vm == null) {
            throw KvMigrateException.targetError("VirtualMachine " + ns + "/" + vmName + " vanished before it could"
                    + " be started; run the plan again with --resume", null);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = new HashMap<>((Map<String, Object>) vm.getAdditionalProperties().get("spec"));
        if (!"Always".equals(spec.get("runStrategy"))) {
            spec.put("runStrategy", "Always");
            vm.setAdditionalProperty("spec", spec);
            vms.resource(vm).update();
        }
        var vmis = client.genericKubernetesResources(context("kubevirt.io/v1", "VirtualMachineInstance"))
                .inNamespace(ns);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            GenericKubernetesResource vmi = vmis.withName(vmName).get();
            Object phase = vmi == null || !(vmi.getAdditionalProperties().get("status") instanceof Map<?, ?> st)
                    ? null : st.get("phase");
            if ("Running".equals(phase)) {
                return;
            }
            if ("Failed".equals(phase) || System.nanoTime() > deadline) {
                throw KvMigrateException.targetError("VirtualMachine " + ns + "/" + vmName + " is not Running after "
                        + timeout.toSeconds() + " s (VMI phase " + phase + "); check `kubectl describe vmi " + vmName
                        + " -n " + ns + "` (GPU capacity, permitted devices), then --resume", null);
            }
            sleep();
        }
    }

    /**
     * Merge-patches every KubeVirt CR with the conversion's admin patch (permitted devices, mdev types, feature
     * gates); only when the user asked for it with {@code --apply-admin-patch}.
     *
     * @return the CRs patched, as {@code namespace/name}
     */
    public List<String> applyAdminPatch(com.fasterxml.jackson.databind.node.ObjectNode patch) {
        var kubevirts = client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                .withGroup("kubevirt.io").withVersion("v1").withKind("KubeVirt").withPlural("kubevirts")
                .withNamespaced(true).build());
        List<GenericKubernetesResource> crs = kubevirts.inAnyNamespace().list().getItems();
        if (crs.isEmpty()) {
            throw KvMigrateException.targetError("--apply-admin-patch: the cluster has no KubeVirt CR; install"
                    + " KubeVirt first", null);
        }
        List<String> done = new java.util.ArrayList<>();
        for (GenericKubernetesResource cr : crs) {
            String ns = cr.getMetadata().getNamespace();
            kubevirts.inNamespace(ns).withName(cr.getMetadata().getName()).patch(
                    io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), patch.toString());
            done.add(ns + "/" + cr.getMetadata().getName());
        }
        return done;
    }

    /** The client, for the scale-out executor. */
    public KubernetesClient client() {
        return client;
    }

    public String namespace() {
        return namespace;
    }

    @Override
    public Map<String, Long> allocatable() {
        return ClusterProbe.gpus(client).allocatable();
    }

    @Override
    public void runJob(String name, String image, List<String> args, Map<String, String> env, Duration timeout) {
        var jobs = client.batch().v1().jobs().inNamespace(namespace);
        if (jobs.withName(name).get() == null) {
            jobs.resource(HookJob.of(name, namespace, image, args, env, plan)).create();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Job j = jobs.withName(name).get();
            if (j != null && j.getStatus() != null && j.getStatus().getSucceeded() != null
                    && j.getStatus().getSucceeded() > 0) {
                return;
            }
            boolean failed = j != null && j.getStatus() != null && j.getStatus().getFailed() != null
                    && j.getStatus().getFailed() > 0;
            if (failed || System.nanoTime() > deadline) {
                throw new KvMigrateException(ExitCode.FINDINGS, "hook Job " + namespace + "/" + name
                        + (failed ? " failed" : " did not finish in " + timeout.toSeconds() + " s") + "; see `kubectl"
                        + " logs job/" + name + " -n " + namespace + "`, delete the Job, then --resume");
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvMigrateException(ExitCode.INTERRUPTED, "interrupted while waiting on the cluster", e);
        }
    }

    @Override
    public void close() {
        disks.close();
        client.close();
    }

}
