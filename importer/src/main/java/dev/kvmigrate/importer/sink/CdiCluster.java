package dev.kvmigrate.importer.sink;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Cluster-wide CDI facts: CDIConfig (proxy URL and CA, filesystem overhead) and the installed CDI version. */
final class CdiCluster {
    private static final Logger LOG = LoggerFactory.getLogger(CdiCluster.class);

    private final KubernetesClient client;

    CdiCluster(KubernetesClient client) {
        this.client = client;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** Filesystem overhead CDI applies (CDIConfig status.filesystemOverhead, per class or global). */
    double filesystemOverhead(Optional<String> storageClass) {
        Optional<GenericKubernetesResource> config = cdiConfig();
        Map<String, Object> fo = map(map(config.map(c -> c.getAdditionalProperties().get("status")).orElse(null))
                .get("filesystemOverhead"));
        Object perClass = storageClass.map(sc -> map(fo.get("storageClass")).get(sc)).orElse(null);
        Object value = perClass != null ? perClass : fo.get("global");
        try {
            return value == null ? CdiResources.DEFAULT_FILESYSTEM_OVERHEAD : Double.parseDouble(value.toString());
        } catch (NumberFormatException e) {
            return CdiResources.DEFAULT_FILESYSTEM_OVERHEAD;
        }
    }

    Optional<GenericKubernetesResource> cdiConfig() {
        try {
            return Optional.ofNullable(client.genericKubernetesResources(CdiResources.CDI_CONFIG).withName("config")
                    .get());
        } catch (KubernetesClientException e) {
            LOG.debug("CDIConfig config not readable: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Whether the installed CDI reads zstd uploads (v1.57 and later). Unknown (no readable CDI object) counts as
     * yes: current releases do.
     */
    boolean cdiReadsZstd() {
        try {
            for (GenericKubernetesResource cdi : client.genericKubernetesResources(CdiResources.CDI).list().getItems()) {
                Object v = map(cdi.getAdditionalProperties().get("status")).get("observedVersion");
                java.util.regex.Matcher m = v == null ? null
                        : java.util.regex.Pattern.compile("^v?(\\d+)\\.(\\d+)").matcher(v.toString());
                if (m != null && m.find()) {
                    int major = Integer.parseInt(m.group(1));
                    int minor = Integer.parseInt(m.group(2));
                    return major > 1 || (major == 1 && minor >= 57);
                }
            }
        } catch (KubernetesClientException e) {
            LOG.debug("CDI version not readable: {}", e.getMessage());
        }
        return true;
    }

    /** Upload proxy URL and CA: CDIConfig spec.uploadProxyURLOverride, else status.uploadProxyURL. */
    Optional<String[]> proxyFromConfig() {
        return cdiConfig().flatMap(c -> {
            Map<String, Object> spec = map(c.getAdditionalProperties().get("spec"));
            Map<String, Object> status = map(c.getAdditionalProperties().get("status"));
            Object url = spec.get("uploadProxyURLOverride") != null ? spec.get("uploadProxyURLOverride")
                    : status.get("uploadProxyURL");
            Object ca = status.get("uploadProxyCA");
            return url == null ? Optional.empty() : Optional.of(new String[] {url.toString(),
                ca == null ? null : ca.toString()});
        });
    }
}
