package dev.kvmigrate.converter.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.json.Mappers;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.File;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads from a live cluster what validation needs: the API server's OpenAPI v2 document, storage classes,
 * NetworkAttachmentDefinitions, namespaces, existing DataVolumes/PVCs, the KubeVirt CR's permitted devices and
 * the nodes' allocatable device resources.
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
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    public static Probe probe(KubernetesClient client) {
        try {
            SchemaSet schemas = openApi(client);
            Set<String> volumes = new HashSet<>();
            client.persistentVolumeClaims().inAnyNamespace().list().getItems().forEach(p -> volumes.add(key(p)));
            listOrEmpty(client, DATAVOLUME).forEach(d -> volumes.add(key(d)));
            Set<String> classes = new HashSet<>();
            client.storage().v1().storageClasses().list().getItems()
                    .forEach(s -> classes.add(s.getMetadata().getName()));
            Set<String> nads = new HashSet<>();
            listOrEmpty(client, NAD).forEach(n -> nads.add(key(n)));
            Set<String> namespaces = new HashSet<>();
            client.namespaces().list().getItems().forEach(n -> namespaces.add(n.getMetadata().getName()));
            Set<String> permitted = new HashSet<>();
            for (GenericKubernetesResource kv : listOrEmpty(client, KUBEVIRT)) {
                permitted.addAll(KubevirtCr.permittedResources(Mappers.json().valueToTree(kv)));
            }
            Map<String, Long> allocatable = new HashMap<>();
            for (Node node : client.nodes().list().getItems()) {
                Map<String, Quantity> alloc = node.getStatus() == null ? null : node.getStatus().getAllocatable();
                if (alloc != null) {
                    alloc.forEach((resource, q) -> {
                        if (resource.contains("/")) {
                            allocatable.merge(resource, Quantity.getAmountInBytes(q).longValue(), Long::sum);
                        }
                    });
                }
            }
            String ns = Optional.ofNullable(client.getNamespace()).orElse("default");
            return new Probe(schemas, new ClusterFacts(Optional.of(permitted), Optional.of(volumes),
                    Optional.of(classes), Optional.of(nads), Optional.of(namespaces), Optional.of(allocatable), ns));
        } catch (KubernetesClientException e) {
            throw KvMigrateException.sourceUnreachable("cannot read the cluster at " + client.getMasterUrl() + ": "
                    + e.getMessage() + "; check --kubeconfig/--context and your access rights", e);
        }
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

    private static String key(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }
}
