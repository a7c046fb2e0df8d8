package dev.kvmigrate.schemagen;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.resource.v1.DeviceClass;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimTemplate;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The Kubernetes kinds kv-migrate's objects use that KubeVirt's OpenAPI document does not define (hook Jobs and
 * their RBAC, ConfigMaps, Secrets, PVCs, namespaces, DRA claims and device classes), the kinds it reads from a
 * cluster and its tests' cluster stand-ins create (Nodes with their status, DRA ResourceSlices), and the fabric8
 * model their schemas come from.
 */
final class KubernetesKinds {
    /** The kinds, each a fabric8 model class of the API version it pins. */
    static final List<Class<? extends HasMetadata>> KINDS = List.of(Job.class, Role.class, RoleBinding.class,
            ClusterRole.class, ClusterRoleBinding.class, ConfigMap.class, Secret.class, ServiceAccount.class,
            PersistentVolumeClaim.class, Namespace.class, ResourceClaim.class, ResourceClaimTemplate.class,
            DeviceClass.class, ResourceSlice.class, Node.class);
    /** The fabric8 artifacts {@link #KINDS} live in. */
    static final List<String> ARTIFACTS = List.of("kubernetes-model-core", "kubernetes-model-batch",
            "kubernetes-model-rbac", "kubernetes-model-resource");

    private KubernetesKinds() {}

    /** The version of fabric8's model on the classpath; every one of {@link #ARTIFACTS} must have it. */
    static String fabric8Version() {
        TreeSet<String> versions = new TreeSet<>();
        for (String artifact : ARTIFACTS) {
            String resource = "META-INF/maven/io.fabric8/" + artifact + "/pom.properties";
            try (InputStream in = HasMetadata.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(resource + " is not on the classpath");
                }
                Properties p = new Properties();
                p.load(in);
                versions.add(p.getProperty("version"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (versions.size() != 1) {
            throw new IllegalStateException("fabric8 model artifacts " + ARTIFACTS + " differ in version: " + versions);
        }
        return versions.first();
    }

    /** The API versions of {@link #KINDS}, e.g. {@code batch/v1, rbac.authorization.k8s.io/v1}, in first use order. */
    static List<String> apiVersions() {
        return KINDS.stream().map(HasMetadata::getApiVersion).distinct().toList();
    }

    /** The kinds' names, e.g. {@code Job, Role}. */
    static List<String> names() {
        return KINDS.stream().map(HasMetadata::getKind).toList();
    }
}
