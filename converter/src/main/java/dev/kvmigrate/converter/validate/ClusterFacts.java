package dev.kvmigrate.converter.validate;

import dev.kvmigrate.converter.gpu.ClusterGpus;
import dev.kvmigrate.converter.storage.ClusterStorage;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What is known about the target, from a KubeVirt CR file or a live cluster. An absent fact means the rule that
 * needs it is not checked (and the report says so).
 *
 * @param permittedDevices resource names the KubeVirt CR permits
 * @param volumes {@code namespace/name} of DataVolumes and PVCs that already exist
 * @param storageClasses StorageClass names
 * @param networkAttachments {@code namespace/name} of NetworkAttachmentDefinitions
 * @param namespaces existing namespaces
 * @param defaultNamespace the namespace objects without one land in
 * @param gpus what the cluster (or a KubeVirt CR file) says about serving GPUs: KubeVirt version, gates, permitted
 *     devices, DRA device classes and devices, nodes
 * @param storage CDI's StorageProfiles and filesystem overhead, and the default storage class: the modes CDI picks
 *     and the overhead the size check adds
 */
public record ClusterFacts(Optional<Set<String>> permittedDevices, Optional<Set<String>> volumes,
        Optional<Set<String>> storageClasses, Optional<Set<String>> networkAttachments,
        Optional<Set<String>> namespaces, String defaultNamespace, Optional<ClusterGpus> gpus,
        Optional<ClusterStorage> storage) {
    public static final ClusterFacts NONE = new ClusterFacts(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), "default", Optional.empty(), Optional.empty());

    /** Facts without storage profiles or overhead (CDI's defaults apply). */
    public ClusterFacts(Optional<Set<String>> permittedDevices, Optional<Set<String>> volumes,
            Optional<Set<String>> storageClasses, Optional<Set<String>> networkAttachments,
            Optional<Set<String>> namespaces, String defaultNamespace, Optional<ClusterGpus> gpus) {
        this(permittedDevices, volumes, storageClasses, networkAttachments, namespaces, defaultNamespace, gpus,
                Optional.empty());
    }

    public ClusterFacts {
        permittedDevices = Objects.requireNonNullElse(permittedDevices, Optional.<Set<String>>empty()).map(Set::copyOf);
        volumes = Objects.requireNonNullElse(volumes, Optional.<Set<String>>empty()).map(Set::copyOf);
        storageClasses = Objects.requireNonNullElse(storageClasses, Optional.<Set<String>>empty()).map(Set::copyOf);
        networkAttachments = Objects.requireNonNullElse(networkAttachments, Optional.<Set<String>>empty())
                .map(Set::copyOf);
        namespaces = Objects.requireNonNullElse(namespaces, Optional.<Set<String>>empty()).map(Set::copyOf);
        defaultNamespace = Objects.requireNonNullElse(defaultNamespace, "default");
        gpus = Objects.requireNonNullElse(gpus, Optional.<ClusterGpus>empty());
        storage = Objects.requireNonNullElse(storage, Optional.<ClusterStorage>empty());
    }

    /** These facts with the permitted devices replaced. */
    public ClusterFacts withPermittedDevices(Set<String> permitted) {
        return new ClusterFacts(Optional.of(permitted), volumes, storageClasses, networkAttachments, namespaces,
                defaultNamespace, gpus, storage);
    }
}
