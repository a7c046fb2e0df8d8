package dev.kvmigrate.plans.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the VMs go: a cluster, or a directory ({@code dir: out/} or the short form {@code target: dir:out/}).
 *
 * @param dir manifests + sparse raw disks under this path (relative to the plan file)
 * @param cluster a Kubernetes cluster with KubeVirt and CDI
 */
public record PlanTarget(Optional<String> dir, Optional<Cluster> cluster) {
    /**
     * A cluster reached through a kubeconfig; absent fields fall back to KUBECONFIG and the current context.
     *
     * @param uploadProxyUrl CDI upload proxy URL, overriding CDIConfig
     * @param uploadProxyCaFile PEM file of the CA(s) the upload proxy's certificate is checked against (relative to
     *     the plan file), overriding CDIConfig's {@code status.uploadProxyCA}
     */
    public record Cluster(Optional<String> kubeconfig, Optional<String> context, Optional<String> namespace,
            Optional<String> uploadProxyUrl, Optional<String> uploadProxyCaFile) {
        public Cluster {
            kubeconfig = Objects.requireNonNullElse(kubeconfig, Optional.empty());
            context = Objects.requireNonNullElse(context, Optional.empty());
            namespace = Objects.requireNonNullElse(namespace, Optional.empty());
            uploadProxyUrl = Objects.requireNonNullElse(uploadProxyUrl, Optional.empty());
            uploadProxyCaFile = Objects.requireNonNullElse(uploadProxyCaFile, Optional.empty());
        }

        public Cluster(Optional<String> kubeconfig, Optional<String> context, Optional<String> namespace,
                Optional<String> uploadProxyUrl) {
            this(kubeconfig, context, namespace, uploadProxyUrl, Optional.empty());
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public PlanTarget(@JsonProperty("dir") Optional<String> dir, @JsonProperty("cluster") Optional<Cluster> cluster) {
        this.dir = Objects.requireNonNullElse(dir, Optional.empty());
        this.cluster = Objects.requireNonNullElse(cluster, Optional.empty());
        if (this.dir.isPresent() == this.cluster.isPresent()) {
            throw new IllegalArgumentException("target needs exactly one of dir (e.g. `target: dir:out/`) or cluster");
        }
        if (this.dir.isPresent() && this.dir.get().isBlank()) {
            throw new IllegalArgumentException("target dir is empty; give a directory, e.g. `target: dir:out/`");
        }
    }

    /** The short form {@code dir:PATH}. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static PlanTarget of(String spec) {
        if (!spec.startsWith("dir:")) {
            throw new IllegalArgumentException("target '" + spec + "' is not dir:PATH; for a cluster write"
                    + " `target: {cluster: {namespace: NS}}`");
        }
        return new PlanTarget(Optional.of(spec.substring(4)), Optional.empty());
    }

    public boolean isDir() {
        return dir.isPresent();
    }

    /** {@code dir:out/} or {@code cluster ctx/ns}. */
    public String describe() {
        return dir.map(d -> "dir:" + d).orElseGet(() -> "cluster " + cluster.get().context().orElse("(current context)")
                + "/" + cluster.get().namespace().orElse("default"));
    }
}
