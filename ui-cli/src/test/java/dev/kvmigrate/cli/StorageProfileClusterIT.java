package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.importer.standin.ClusterStandIn;
import dev.kvmigrate.plans.example.ExampleDisks;
import dev.kvmigrate.testing.SharedDir;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage the target really has: the example plan run through a kubeconfig into the cluster stand-in, whose
 * StorageProfile for {@code block-rwx} says Block + ReadWriteMany and whose CDIConfig says a global filesystem
 * overhead of 0.055 and 0.1 for {@code fs-slow}. The DataVolumes written follow the profiles' modes and are sized
 * with the class's overhead (exact bytes); the size check of {@code validate --from-cluster} uses the same overhead
 * and so finds the volumes sized without the cluster (CDI's default 0.055) too small on {@code fs-slow}.
 */
class StorageProfileClusterIT {
    static final ResourceDefinitionContext DV = new ResourceDefinitionContext.Builder().withGroup("cdi.kubevirt.io")
            .withVersion("v1beta1").withKind("DataVolume").withPlural("datavolumes").withNamespaced(true).build();
    private static final long MIB = 1 << 20;

    @TempDir
    Path tmp;

    @Test
    void dataVolumesFollowTheProfilesAndTheOverhead() throws Exception {
        try (ClusterStandIn cluster = ClusterStandIn.start(tmp.resolve("volumes"),
                SharedDir.require("schemas/cdi-swagger.json"))) {
            cluster.storageProfile("block-rwx", "rbd.csi.ceph.com", ClusterStandIn.claimSet("Block", "ReadWriteMany"),
                    ClusterStandIn.claimSet("Filesystem", "ReadWriteOnce"));
            cluster.storageProfile("fs-slow", "nfs.csi.k8s.io", ClusterStandIn.claimSet("Filesystem",
                    "ReadWriteOnce"));
            cluster.filesystemOverhead("0.055", Map.of("fs-slow", "0.1"));
            cluster.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("gpu-1").endMetadata()
                    .withNewStatus().withAllocatable(Map.of("nvidia.com/GRID_T4-2Q", new Quantity("1"),
                            "nvidia.com/GA107GL_A2___A16", new Quantity("1"))).endStatus().build()).create();
            Path kubeconfig = tmp.resolve("kubeconfig");
            Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n"
                    + "    server: " + cluster.client().getMasterUrl() + "\n    insecure-skip-tls-verify: true\n"
                    + "contexts:\n- name: mock\n  context: {cluster: mock, user: u, namespace: default}\n"
                    + "current-context: mock\nusers:\n- name: u\n  user: {token: t}\n");
            String overrides = "overrides:\n  designer-ws-01: {storageClass: block-rwx}\n"
                    + "  inference-02: {storageClass: fs-slow}\n";
            String example = Files.readString(Path.of("../examples/gpu-host-plan.yaml"));
            Path plan = ExampleCopy.into(tmp, example.replace("target: dir:out/gpu-host", "target: {cluster:"
                    + " {kubeconfig: kubeconfig, context: mock, namespace: default, uploadProxyUrl: \""
                    + cluster.uploadProxyUrl() + "\"}}") + overrides);
            ExampleDisks.create(tmp.resolve("gpu-host"), ExampleDisks.Maker.JAVA);

            CliRun run = CliRun.run("plan", "run", plan.toString());
            assertThat(run.code()).as(run.out() + run.err()).isZero();
            assertThat(cluster.schemaViolations()).isEmpty();

            JsonNode sda = dataVolume(cluster, "designer-ws-01-sda");
            assertThat(sda.at("/spec/storage/volumeMode").asText()).isEqualTo("Block");
            assertThat(sda.at("/spec/storage/accessModes").toString()).isEqualTo("[\"ReadWriteMany\"]");
            long sdaVirtual = virtual(sda);
            assertThat(requested(sda)).as("Block: no overhead").isEqualTo(roundUpMib(sdaVirtual));

            for (String name : new String[] {"inference-02-vda", "inference-02-vdb"}) {
                JsonNode dv = dataVolume(cluster, name);
                assertThat(dv.at("/spec/storage/storageClassName").asText()).isEqualTo("fs-slow");
                assertThat(dv.at("/spec/storage/volumeMode").asText()).isEqualTo("Filesystem");
                assertThat(dv.at("/spec/storage/accessModes").toString()).isEqualTo("[\"ReadWriteOnce\"]");
                long v = virtual(dv);
                assertThat(requested(dv)).as(name + ": fs-slow's 10 %").isEqualTo(roundUpMib(ceilDiv(v * 10, 9)));
            }
            JsonNode web = dataVolume(cluster, "web-03-vda");
            assertThat(web.at("/spec/storage").has("volumeMode")).as("no profile: left to CDI").isFalse();
            assertThat(requested(web)).as("global 5.5 %").isEqualTo(roundUpMib(ceilDiv(virtual(web) * 1000, 945)));

            // Exact bytes: every example disk is 64 MiB virtual. Block: 64 MiB; fs-slow: ceil(64 MiB / 0.9) =
            // 74565405 bytes → 72 MiB; global: ceil(64 MiB / 0.945) = 71014671 bytes → 68 MiB.
            assertThat(sdaVirtual).isEqualTo(64L * MIB);
            assertThat(requested(sda)).isEqualTo(67108864L);
            assertThat(requested(dataVolume(cluster, "inference-02-vda"))).isEqualTo(75497472L);
            assertThat(requested(dataVolume(cluster, "inference-02-vdb"))).isEqualTo(75497472L);
            assertThat(requested(web)).isEqualTo(71303168L);

            CliRun check = CliRun.run("plan", "validate", plan.toString(), "--from-cluster");
            assertThat(check.out() + check.err()).doesNotContain("VOLUME_TOO_SMALL");

            // Sized without the cluster (CDI's default 0.055), the fs-slow volumes are too small for its 10 %.
            Path dirPlan = tmp.resolve("dir-plan.yaml");
            Files.writeString(dirPlan, Files.readString(plan).replaceAll("target: \\{cluster:.*", "target: dir:out")
                    .replace("metadata:\n  name: gpu-host", "metadata:\n  name: gpu-host-dir"));
            CliRun convert = CliRun.run("convert", "--from-plan", dirPlan.toString(), "--out", tmp.resolve("conv")
                    .toString());
            assertThat(convert.code()).as(convert.out() + convert.err()).isZero();
            CliRun validate = CliRun.run("validate", tmp.resolve("conv").toString(), "--from-cluster",
                    "--kubeconfig", kubeconfig.toString());
            assertThat(validate.out()).contains("VOLUME_TOO_SMALL", "inference-02-vda", "inference-02-vdb",
                    "plus the 10% filesystem overhead of CDIConfig filesystemOverhead.storageClass[fs-slow]")
                    .doesNotContain("web-03-vda: requested");
        }
    }

    private static JsonNode dataVolume(ClusterStandIn cluster, String name) {
        GenericKubernetesResource dv = cluster.client().genericKubernetesResources(DV).inNamespace("default")
                .withName(name).get();
        assertThat(dv).as("DataVolume " + name).isNotNull();
        return new ObjectMapper().valueToTree(dv);
    }

    private static long virtual(JsonNode dv) {
        return Long.parseLong(dv.at("/metadata/annotations").path("kv-migrate.dev/virtual-size").asText());
    }

    private static long requested(JsonNode dv) {
        return Quantity.getAmountInBytes(new Quantity(
                dv.at("/spec/storage/resources/requests/storage").asText())).longValueExact();
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static long roundUpMib(long bytes) {
        return (bytes + MIB - 1) / MIB * MIB;
    }
}
