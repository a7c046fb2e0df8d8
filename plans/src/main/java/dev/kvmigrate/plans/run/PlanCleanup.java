package dev.kvmigrate.plans.run;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.concern.KubernetesName;
import dev.kvmigrate.plans.model.LoadedPlan;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code plan cleanup}: deletes what a plan created in its cluster, found by the plan's owner label
 * ({@code kv-migrate.dev/plan}, and {@code kv-migrate.dev/vm} for one VM) — VirtualMachines, hook and executor
 * Jobs, DataVolumes, PVCs, ResourceClaimTemplates and ResourceClaims, and the scale-out's ConfigMaps (plan, run
 * state), RoleBindings, Roles and ServiceAccounts — in the target namespace and the namespaces
 * the plan's overrides name. Nothing without the label is touched; nothing of another plan either.
 */
public final class PlanCleanup {
    /** The kinds a plan creates, in the order they are deleted (users first, then what they use). */
    static final List<String[]> KINDS = List.of(
            new String[] {"kubevirt.io/v1", "VirtualMachine"},
            new String[] {"batch/v1", "Job"},
            new String[] {"cdi.kubevirt.io/v1beta1", "DataVolume"},
            new String[] {"v1", "PersistentVolumeClaim"},
            new String[] {"resource.k8s.io/v1", "ResourceClaimTemplate"},
            new String[] {"resource.k8s.io/v1", "ResourceClaim"},
            // the scale-out's: the plan and run state ConfigMaps, then its RBAC (once nothing runs under it)
            new String[] {"v1", "ConfigMap"},
            new String[] {"rbac.authorization.k8s.io/v1", "RoleBinding"},
            new String[] {"rbac.authorization.k8s.io/v1", "Role"},
            new String[] {"v1", "ServiceAccount"});

    /** One object found: what happened to it ({@code deleted}, {@code would delete}, {@code gone}). */
    public record Item(String kind, String namespace, String name, String action) {}

    /**
     * What a cleanup did.
     *
     * @param target the target, described
     * @param items the objects found, with the action taken
     * @param note for a directory target: why nothing was done
     */
    public record Result(String target, List<Item> items, Optional<String> note) {}

    private PlanCleanup() {}

    /**
     * Cleans up the plan's target.
     *
     * @param only source VM names (all of the plan's objects when empty)
     * @param dryRun list only
     */
    public static Result run(LoadedPlan lp, Set<String> only, boolean dryRun) {
        if (lp.plan().target().isDir()) {
            return new Result(lp.plan().target().describe(), List.of(), Optional.of("the target is a directory:"
                    + " nothing of the plan is in a cluster. Its output (" + lp.targetDir() + ") is left as it is;"
                    + " remove it yourself when you no longer need it"));
        }
        try (ClusterTarget c = PlanTargets.cluster(lp)) {
            return run(lp, c, only, dryRun);
        }
    }

    /** As {@link #run(LoadedPlan, Set, boolean)} on an open cluster target (tests hand in the stand-in's). */
    public static Result run(LoadedPlan lp, ClusterTarget c, Set<String> only, boolean dryRun) {
        Set<String> namespaces = new TreeSet<>();
        namespaces.add(c.namespace());
        lp.plan().overrides().values().forEach(o -> o.namespace().ifPresent(namespaces::add));
        List<Item> items = new ArrayList<>();
        if (only.isEmpty()) {
            items.addAll(clean(c.client(), namespaces, lp.plan().name(), Optional.empty(), dryRun));
        } else {
            RunState journal = Files.exists(lp.journal()) ? RunState.of(Journal.read(lp.journal()))
                    : RunState.of(List.of());
            for (String vm : only) {
                items.addAll(clean(c.client(), namespaces, lp.plan().name(), Optional.of(targetName(lp, journal,
                        vm)), dryRun));
            }
        }
        return new Result(c.describe(), items, Optional.empty());
    }

    /**
     * A source VM's name on the target without scanning the source: as its journal recorded it, else the plan's
     * {@code overrides.<vm>.targetName}, else the converter's name for it.
     */
    static String targetName(LoadedPlan lp, RunState journal, String vm) {
        return journal.vm(vm).flatMap(RunState.VmState::target)
                .or(() -> lp.plan().overrideFor(vm).targetName())
                .orElseGet(() -> KubernetesName.of(vm));
    }

    /**
     * Lists (and unless {@code dryRun} deletes) the objects labelled with the plan (and the VM's target name) in
     * {@code namespaces}.
     */
    public static List<Item> clean(KubernetesClient client, Collection<String> namespaces, String plan,
            Optional<String> vm, boolean dryRun) {
        List<Item> out = new ArrayList<>();
        for (String ns : namespaces) {
            for (String[] k : KINDS) {
                var op = client.genericKubernetesResources(ClusterTarget.context(k[0], k[1])).inNamespace(ns);
                List<GenericKubernetesResource> found;
                try {
                    var filtered = op.withLabel(PlanConversion.LABEL_PLAN, plan);
                    found = (vm.isPresent() ? filtered.withLabel(PlanConversion.LABEL_VM, vm.get()) : filtered)
                            .list().getItems();
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 404) {
                        continue; // the cluster does not serve this kind (no DRA, no CDI): nothing of it to delete
                    }
                    throw KvMigrateException.targetError("cannot list " + k[1] + "s in " + ns + ": " + e.getMessage()
                            + "; check the kubeconfig's permissions in " + ns, e);
                }
                for (GenericKubernetesResource r : found) {
                    String name = r.getMetadata().getName();
                    if (dryRun) {
                        out.add(new Item(k[1], ns, name, "would delete"));
                        continue;
                    }
                    try {
                        var deleted = op.withName(name).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                        out.add(new Item(k[1], ns, name, deleted.isEmpty() ? "gone" : "deleted"));
                    } catch (KubernetesClientException e) {
                        if (e.getCode() == 404) {
                            out.add(new Item(k[1], ns, name, "gone"));
                            continue;
                        }
                        throw KvMigrateException.targetError("cannot delete " + k[1] + " " + ns + "/" + name + ": "
                                + e.getMessage() + "; check the kubeconfig's permissions in " + ns, e);
                    }
                }
            }
        }
        return out;
    }

}
