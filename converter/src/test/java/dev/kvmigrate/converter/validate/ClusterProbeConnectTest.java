package dev.kvmigrate.converter.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ClusterProbe#connect}: the one client builder; nothing here talks to a cluster. */
class ClusterProbeConnectTest {
    @TempDir Path dir;

    private File kubeconfig() throws IOException {
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - {name: lab, cluster: {server: "https://lab.example:6443"}}
                - {name: prod, cluster: {server: "https://prod.example:6443"}}
                users: [{name: me, user: {token: t}}]
                contexts:
                - {name: lab, context: {cluster: lab, user: me, namespace: vms}}
                - {name: prod, context: {cluster: prod, user: me}}
                current-context: lab
                """).toFile();
    }

    @Test
    void theCurrentContextOrTheNamedOne() throws IOException {
        try (KubernetesClient c = ClusterProbe.connect(Optional.of(kubeconfig()), Optional.empty())) {
            assertThat(c.getMasterUrl().toString()).isEqualTo("https://lab.example:6443/");
            assertThat(c.getNamespace()).isEqualTo("vms");
        }
        try (KubernetesClient c = ClusterProbe.connect(Optional.of(kubeconfig()), Optional.of("prod"))) {
            assertThat(c.getMasterUrl().toString()).isEqualTo("https://prod.example:6443/");
        }
    }

    @Test
    void anUnknownContextIsAnErrorListingTheKnownOnes() throws IOException {
        File k = kubeconfig();
        assertThatThrownBy(() -> ClusterProbe.connect(Optional.of(k), Optional.of("staging")))
                .isInstanceOfSatisfying(KvMigrateException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
                .hasMessage("context staging is not in kubeconfig " + k + "; its contexts: lab, prod");
    }

    @Test
    void aMissingOrMalformedFileIsNamed() throws IOException {
        File missing = dir.resolve("nope").toFile();
        assertThatThrownBy(() -> ClusterProbe.connect(Optional.of(missing), Optional.empty()))
                .isInstanceOf(KvMigrateException.class)
                .hasMessage("kubeconfig " + missing + " does not exist or is not a file; check the path");
        File junk = Files.writeString(dir.resolve("junk"), "just words\n").toFile();
        assertThatThrownBy(() -> ClusterProbe.connect(Optional.of(junk), Optional.empty()))
                .isInstanceOf(KvMigrateException.class)
                .hasMessageStartingWith("cannot load kubeconfig " + junk + ": ")
                .hasMessageEndingWith("; check that it is a kubeconfig file (kubectl config view --kubeconfig FILE)");
    }

    @Test
    void aProbeRetriesOnceAndNamesWhyTheClusterIsUnreachable() throws IOException {
        // port 1 on the loopback: nothing listens, the connection is refused at once
        File k = Files.writeString(dir.resolve("refused"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
                users: [{name: me, user: {token: t}}]
                contexts: [{name: c, context: {cluster: c, user: me}}]
                current-context: c
                """).toFile();
        try (KubernetesClient run = ClusterProbe.connect(Optional.of(k), Optional.empty());
                KubernetesClient ask = ClusterProbe.connectToAsk(Optional.of(k), Optional.empty())) {
            assertThat(run.getConfiguration().getRequestRetryBackoffLimit()).as("runs keep fabric8's retries")
                    .isGreaterThan(ClusterProbe.ASK_RETRIES);
            assertThat(ask.getConfiguration().getRequestRetryBackoffLimit()).isEqualTo(ClusterProbe.ASK_RETRIES);
            assertThat(ask.getMasterUrl()).isEqualTo(run.getMasterUrl());
            assertThatThrownBy(() -> ClusterProbe.gpus(ask))
                    .isInstanceOfSatisfying(KvMigrateException.class,
                            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.SOURCE_UNREACHABLE))
                    .hasMessageStartingWith("cannot read the cluster at https://127.0.0.1:1/: ")
                    .hasMessageContaining("(ConnectException: ")
                    .hasMessageEndingWith("; check --kubeconfig/--context and your access rights");
        }
    }
}
