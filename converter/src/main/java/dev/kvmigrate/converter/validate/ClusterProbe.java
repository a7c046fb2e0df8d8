package dev.kvmigrate.converter.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.converter.gpu.ClusterGpus;
import dev.kvmigrate.converter.gpu.dra.DraDevices;
import dev.kvmigrate.converter.storage.ClusterStorage;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceClass;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads from a live cluster what validation needs: the API server's OpenAPI v2 document, storage classes,
 * NetworkAttachmentDefinitions, namespaces, existing DataVolumes/PVCs, the KubeVirt CR's permitted devices and
 * the nodes' allocatable device resources; and for GPUs ({@link ClusterFacts#gpus()}) the first KubeVirt CR's
 * version, gates and permitted entries, the {@code resource.k8s.io/v1} DeviceClasses and ResourceSlices (none when
 * the cluster does not serve that API) and the nodes with their labels and allocatable extended resources; and for
 * storage ({@link ClusterFacts#storage()}) CDI's StorageProfiles, CDIConfig's filesystem overhead and the default
 * storage class.
 */
public final class ClusterProbe {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterProbe.class);
    static final ResourceDefinitionContext KUBEVIRT = new ResourceDefinitionContext.Builder().withGroup("kubevirt.io")
            .withVersion("v1").withKind("KubeVirt").withPlural("kubevirts").withNamespaced(true).build();
    static final ResourceDefinitionContext DATAVOLUME = new ResourceDefinitionContext.Builder()
            .withGroup("cdi.kubevirt.io").withVersion("v1beta1").withKind("DataVolume").withPlural("datavolumes")
            .withNamespaced(true).build();
    static final ResourceDefinitionContext NAD = new ResourceDefinitionContext.Builder().withGroup("k8s.cni.cncf.io")
            .withVersion("v1").withKind("NetworkAttachmentDefinition").withPlural("network-attachment-definitions")
            .withNamespaced(true).build();

    static final ResourceDefinitionContext STORAGE_PROFILE = new ResourceDefinitionContext.Builder()
            .withGroup("cdi.kubevirt.io").withVersion("v1beta1").withKind("StorageProfile")
            .withPlural("storageprofiles").withNamespaced(false).build();
    static final ResourceDefinitionContext CDI_CONFIG = new ResourceDefinitionContext.Builder()
            .withGroup("cdi.kubevirt.io").withVersion("v1beta1").withKind("CDIConfig").withPlural("cdiconfigs")
            .withNamespaced(false).build();

    private ClusterProbe() {}

    /** What the cluster told: its schemas (empty when /openapi/v2 is not served) and the facts. */
    public record Probe(SchemaSet schemas, ClusterFacts facts) {}

    /**
     * The one way kv-migrate builds a Kubernetes client: from {@code kubeconfig}, else through fabric8's own
     * configuration loading (KUBECONFIG, {@code ~/.kube/config}, in-cluster service account), with {@code context}
     * or the current context. Nothing is sent yet; {@link KubernetesClient#getNamespace()} is the context's
     * namespace, or null when it names none.
     *
     * @throws KvMigrateException (invalid input) naming the file and context when the configuration cannot be
     *     loaded: a missing or malformed file, or a context the configuration does not have
     */
    public static KubernetesClient connect(Optional<File> kubeconfig, Optional<String> context) {
        return new KubernetesClientBuilder().withConfig(config(kubeconfig, context)).build();
    }

    /**
     * As {@link #connect}, for a client that only asks (the probes of convert, validate and a plan's preparation):
     * a request that cannot reach the cluster is retried once, not with fabric8's default back-off (10 retries, ~20
     * s per request), so that a workstation without a cluster learns so in a second. Runs keep the default: there a
     * passing API server hiccup must not fail a migration.
     */
    public static KubernetesClient connectToAsk(Optional<File> kubeconfig, Optional<String> context) {
        Config config = config(kubeconfig, context);
        config.setRequestRetryBackoffLimit(Math.min(ASK_RETRIES, config.getRequestRetryBackoffLimit()));
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** How often a probe's request is retried (fabric8's default for every request: 10). */
    static final int ASK_RETRIES = 1;

    private static Config config(Optional<File> kubeconfig, Optional<String> context) {
        String where = kubeconfig.map(k -> "kubeconfig " + k).orElse("the cluster configuration (KUBECONFIG,"
                + " ~/.kube/config or in-cluster)");
        if (kubeconfig.isPresent() && !kubeconfig.get().isFile()) {
            throw KvMigrateException.invalidInput(where + " does not exist or is not a file; check the path");
        }
        Config config;
        try {
            config = kubeconfig.map(f -> Config.fromKubeconfig(context.orElse(null), f))
                    .orElseGet(() -> Config.autoConfigure(context.orElse(null)));
        } catch (RuntimeException e) {
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw KvMigrateException.invalidInput("cannot load " + where + ": " + why
                    + "; check that it is a kubeconfig file (kubectl config view --kubeconfig FILE)", e);
        }
        if (context.isPresent() && (config.getCurrentContext() == null
                || !context.get().equals(config.getCurrentContext().getName()))) {
            List<String> known = config.getContexts() == null ? List.of()
                    : config.getContexts().stream().map(c -> c.getName()).sorted().toList();
            throw KvMigrateException.invalidInput("context " + context.get() + " is not in " + where + "; "
                    + (known.isEmpty() ? "it has no contexts" : "its contexts: " + String.join(", ", known)));
        }
        return config;
    }

    public static Probe probe(KubernetesClient client) {
        try {
            SchemaSet schemas = openApi(client);
            Set<String> volumes = new HashSet<>();
            client.persistentVolumeClaims().inAnyNamespace().list().getItems().forEach(p -> volumes.add(key(p)));
            listOrEmpty(client, DATAVOLUME).forEach(d -> volumes.add(key(d)));
            Set<String> classes = new HashSet<>();
            List<StorageClass> storageClasses = client.storage().v1().storageClasses().list().getItems();
            storageClasses.forEach(s -> classes.add(s.getMetadata().getName()));
            Set<String> nads = new HashSet<>();
            listOrEmpty(client, NAD).forEach(n -> nads.add(key(n)));
            Set<String> namespaces = new HashSet<>();
            client.namespaces().list().getItems().forEach(n -> namespaces.add(n.getMetadata().getName()));
            Set<String> permitted = new HashSet<>();
            for (GenericKubernetesResource kv : listOrEmpty(client, KUBEVIRT)) {
                permitted.addAll(KubevirtCr.permittedResources(Mappers.json().valueToTree(kv)));
            }
            String ns = Optional.ofNullable(client.getNamespace()).orElse("default");
            return new Probe(schemas, new ClusterFacts(Optional.of(permitted), Optional.of(volumes),
                    Optional.of(classes), Optional.of(nads), Optional.of(namespaces), ns,
                    Optional.of(readGpus(client)), Optional.of(readStorage(client, storageClasses))));
        } catch (KubernetesClientException e) {
            throw unreachable(client, e);
        }
    }

    /**
     * What the cluster says about storage alone: CDI's StorageProfiles, CDIConfig {@code config}'s filesystem
     * overhead and the default storage class — the modes and sizes of DataVolumes.
     *
     * @throws KvMigrateException (source unreachable) when the cluster cannot be read
     */
    public static ClusterStorage storage(KubernetesClient client) {
        try {
            return readStorage(client, listOrEmpty(client, StorageClass.class));
        } catch (KubernetesClientException e) {
            throw unreachable(client, e);
        }
    }

    private static ClusterStorage readStorage(KubernetesClient client, List<StorageClass> classes) {
        List<JsonNode> profiles = new ArrayList<>();
        for (GenericKubernetesResource p : listOrEmpty(client, STORAGE_PROFILE)) {
            profiles.add(Mappers.json().valueToTree(p));
        }
        Optional<JsonNode> config = listOrEmpty(client, CDI_CONFIG).stream()
                .filter(c -> "config".equals(c.getMetadata().getName())).findFirst()
                .map(c -> (JsonNode) Mappers.json().valueToTree(c));
        Optional<String> defaultClass = classes.stream().filter(c -> c.getMetadata().getAnnotations() != null
                && "true".equals(c.getMetadata().getAnnotations().get(ClusterStorage.DEFAULT_CLASS_ANNOTATION)))
                .map(c -> c.getMetadata().getName()).sorted().findFirst();
        return ClusterStorage.of(profiles, config, defaultClass);
    }

    /**
     * What the cluster says about GPUs alone (no schemas, volumes or networks): what {@code gpuTarget: auto}, the
     * cluster's device names and the capacity checks need.
     *
     * @throws KvMigrateException (source unreachable) when the cluster cannot be read
     */
    public static ClusterGpus gpus(KubernetesClient client) {
        try {
            return readGpus(client);
        } catch (KubernetesClientException e) {
            throw unreachable(client, e);
        }
    }

    private static KvMigrateException unreachable(KubernetesClient client, KubernetesClientException e) {
        Throwable root = KvMigrateException.rootCause(e);
        String why = root == e ? "" : " (" + root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
        return KvMigrateException.sourceUnreachable("cannot read the cluster at " + client.getMasterUrl() + ": "
                + e.getMessage() + why + "; check --kubeconfig/--context and your access rights", e);
    }

    /** The first KubeVirt CR's version, gates and permitted entries, DeviceClasses, published devices, nodes. */
    private static ClusterGpus readGpus(KubernetesClient client) {
        ClusterGpus cr = listOrEmpty(client, KUBEVIRT).stream().findFirst()
                .map(kv -> ClusterGpus.fromKubevirtCr(Mappers.json().valueToTree(kv))).orElse(ClusterGpus.NONE);
        List<ClusterGpus.GpuNode> nodes = new ArrayList<>();
        for (Node node : client.nodes().list().getItems()) {
            Map<String, Quantity> alloc = node.getStatus() == null ? null : node.getStatus().getAllocatable();
            Map<String, Long> extended = new TreeMap<>();
            if (alloc != null) {
                alloc.forEach((resource, q) -> {
                    if (resource.contains("/")) {
                        extended.put(resource, Quantity.getAmountInBytes(q).longValue());
                    }
                });
            }
            nodes.add(new ClusterGpus.GpuNode(node.getMetadata().getName(), node.getMetadata().getLabels(),
                    extended));
        }
        Map<String, List<String>> deviceClasses = new TreeMap<>();
        for (DeviceClass c : listOrEmpty(client, DeviceClass.class)) {
            deviceClasses.put(c.getMetadata().getName(), selectors(Mappers.json().valueToTree(c)));
        }
        List<JsonNode> slices = new ArrayList<>();
        for (ResourceSlice slice : listOrEmpty(client, ResourceSlice.class)) {
            slices.add(Mappers.json().valueToTree(slice));
        }
        DraDevices.Parsed dra = DraDevices.parse(slices);
        dra.warnings().forEach(w -> LOG.warn("{}", w));
        return new ClusterGpus(cr.kubevirtVersion(), cr.featureGates(), cr.disabledFeatureGates(), cr.permitted(),
                deviceClasses, dra.devices(), nodes);
    }

    private static SchemaSet openApi(KubernetesClient client) {
        try {
            String doc = client.raw("/openapi/v2");
            if (doc == null || doc.isBlank()) {
                return SchemaSet.of(List.of());
            }
            JsonNode root = Mappers.json().readTree(doc);
            return SchemaSet.ofSwagger(client.getMasterUrl() + "openapi/v2", root);
        } catch (java.io.IOException | KubernetesClientException e) {
            LOG.warn("cluster OpenAPI document unreadable ({}); only --schema files are used", e.getMessage());
            return SchemaSet.of(List.of());
        }
    }

    /** Lists a custom resource; a cluster without its CRD has none. */
    private static List<GenericKubernetesResource> listOrEmpty(KubernetesClient client, ResourceDefinitionContext c) {
        try {
            return client.genericKubernetesResources(c).inAnyNamespace().list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                LOG.debug("{} not served by the cluster", c.getKind());
                return List.of();
            }
            throw e;
        }
    }

    /** Lists a built-in kind; a cluster that does not serve its API (404) has none. */
    private static <T extends HasMetadata> List<T> listOrEmpty(KubernetesClient client, Class<T> type) {
        try {
            return client.resources(type).list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                LOG.debug("{} not served by the cluster", type.getSimpleName());
                return List.of();
            }
            throw e;
        }
    }

    /** A DeviceClass's CEL selector expressions ({@code spec.selectors[].cel.expression}), in order. */
    private static List<String> selectors(JsonNode deviceClass) {
        List<String> out = new ArrayList<>();
        for (JsonNode selector : deviceClass.path("spec").path("selectors")) {
            String expression = selector.path("cel").path("expression").asText("");
            if (!expression.isEmpty()) {
                out.add(expression);
            }
        }
        return out;
    }

    private static String key(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }
}
