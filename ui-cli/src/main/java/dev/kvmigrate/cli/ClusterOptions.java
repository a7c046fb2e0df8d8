package dev.kvmigrate.cli;

import dev.kvmigrate.converter.validate.ClusterProbe;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --from-cluster}, {@code --kubeconfig}, {@code --context}: the cluster a command reads facts from. */
final class ClusterOptions {
    @Option(names = "--from-cluster", description = "Read the cluster of the current kubeconfig context (or"
            + " --kubeconfig/--context); the command's description says what it reads.")
    boolean fromCluster;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig file (else KUBECONFIG).")
    File kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "Kubeconfig context.")
    String context;

    /** Usage error when {@code --kubeconfig}/{@code --context} come without {@code --from-cluster}. */
    void checkUsage(CommandSpec spec) {
        if ((kubeconfig != null || context != null) && !fromCluster) {
            throw new ParameterException(spec.commandLine(), "--kubeconfig and --context need --from-cluster");
        }
    }

    /** A client for the cluster when {@code --from-cluster} is given; the caller closes it. */
    Optional<KubernetesClient> connect() {
        return fromCluster ? Optional.of(ClusterProbe.connectToAsk(Optional.ofNullable(kubeconfig),
                Optional.ofNullable(context))) : Optional.empty();
    }
}
