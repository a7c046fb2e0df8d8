package dev.kvmigrate.converter;

import dev.kvmigrate.converter.gpu.ClusterGpus;
import dev.kvmigrate.converter.storage.ClusterStorage;
import java.util.Objects;
import java.util.Optional;

/**
 * Choices that are not per-resource mappings.
 *
 * @param namespace target namespace written into every object, when given (else kubectl's current namespace)
 * @param plan plan name recorded in an annotation, when converting for a plan
 * @param imageio pull oVirt disks with CDI's imageio source from this engine instead of uploading them
 * @param emitInstancetypes write one instancetype + preference per distinct shape instead of inline sizing
 * @param cluster what the target cluster says about GPUs ({@code --from-cluster}): decides {@code gpuTarget: auto},
 *     gives device names and capacity; empty: decided from the source and mappings alone
 * @param storage what the target cluster says about storage (StorageProfiles, CDIConfig filesystem overhead):
 *     DataVolumes take unpinned access/volume modes from the class's profile and size with its overhead; empty:
 *     the storage map's modes and CDI's default overhead (0.055)
 */
public record ConvertOptions(Optional<String> namespace, Optional<String> plan, Optional<Imageio> imageio,
        boolean emitInstancetypes, Optional<ClusterGpus> cluster, Optional<ClusterStorage> storage) {
    public static final ConvertOptions DEFAULTS = new ConvertOptions(Optional.empty(), Optional.empty(),
            Optional.empty(), false);

    /** Options without a cluster to ask. */
    public ConvertOptions(Optional<String> namespace, Optional<String> plan, Optional<Imageio> imageio,
            boolean emitInstancetypes) {
        this(namespace, plan, imageio, emitInstancetypes, Optional.empty(), Optional.empty());
    }

    /** Options with the cluster's GPU facts and no storage facts. */
    public ConvertOptions(Optional<String> namespace, Optional<String> plan, Optional<Imageio> imageio,
            boolean emitInstancetypes, Optional<ClusterGpus> cluster) {
        this(namespace, plan, imageio, emitInstancetypes, cluster, Optional.empty());
    }

    /** These options with the cluster's GPU facts. */
    public ConvertOptions withCluster(Optional<ClusterGpus> gpus) {
        return new ConvertOptions(namespace, plan, imageio, emitInstancetypes, gpus, storage);
    }

    /** These options with the cluster's storage facts. */
    public ConvertOptions withStorage(Optional<ClusterStorage> clusterStorage) {
        return new ConvertOptions(namespace, plan, imageio, emitInstancetypes, cluster, clusterStorage);
    }

    /**
     * CDI imageio source settings.
     *
     * @param url the engine API URL, {@code https://engine/ovirt-engine/api}
     * @param secretRef Secret holding {@code accessKeyId}/{@code secretKey} (user/password)
     * @param certConfigMap ConfigMap holding the engine CA, when not publicly trusted
     */
    public record Imageio(String url, String secretRef, Optional<String> certConfigMap) {
        public Imageio {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(secretRef, "secretRef");
            certConfigMap = Objects.requireNonNullElse(certConfigMap, Optional.empty());
        }
    }

    public ConvertOptions {
        namespace = Objects.requireNonNullElse(namespace, Optional.empty());
        plan = Objects.requireNonNullElse(plan, Optional.empty());
        imageio = Objects.requireNonNullElse(imageio, Optional.empty());
        cluster = Objects.requireNonNullElse(cluster, Optional.empty());
        storage = Objects.requireNonNullElse(storage, Optional.empty());
    }
}
