package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.converter.validate.SchemaSet;
import dev.kvmigrate.importer.standin.GpuClusters;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.libvirt.XmlDumpSource;
import dev.kvmigrate.inventory.model.InventoryCodec;
import dev.kvmigrate.testing.SharedDir;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convert --from-cluster}, {@code validate --from-cluster} and {@code plan validate --from-cluster} against
 * fabric8's CRUD mock seeded as a 2026 DRA cluster and as a device-plugin-era cluster ({@link GpuClusters}; every
 * object checked against the bundled schemas before it is created). The mock serves as {@code /openapi/v2} what such
 * a cluster would: KubeVirt's, CDI's and the Kubernetes kinds' definitions.
 */
@EnableKubernetesMockClient(crud = true)
class GpuClusterConvertIT {
    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path tmp;

    private static final String MAPPINGS = """
            networks:
              br-design: {type: pod}
              br0: {type: pod}
              default: {type: pod}
            storage:
              default: {size: 20Gi}
            """;

    /** The bundled schema documents of a cluster running {@code kubevirt}, merged into one OpenAPI v2 document. */
    private static String openApi(String kubevirt) throws IOException {
        ObjectNode doc = Mappers.json().createObjectNode().put("swagger", "2.0");
        ObjectNode defs = doc.putObject("definitions");
        for (String file : new String[] {"kubevirt-" + kubevirt + ".json", "cdi-v1.66.json", "kubernetes.json"}) {
            try (InputStream in = SchemaSet.class.getResourceAsStream("schemas/" + file)) {
                JsonNode d = Mappers.json().readTree(in).path("definitions");
                for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!defs.has(e.getKey())) {
                        defs.set(e.getKey(), e.getValue());
                    }
                }
            }
        }
        return doc.toString();
    }

    private Path kubeconfig() throws IOException {
        Path kubeconfig = tmp.resolve("kubeconfig");
        Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n"
                + "    server: " + client.getMasterUrl() + "\n    insecure-skip-tls-verify: true\ncontexts:\n"
                + "- name: mock\n  context: {cluster: mock, user: u, namespace: migrated}\ncurrent-context: mock\n"
                + "users:\n- name: u\n  user: {token: t}\n");
        return kubeconfig;
    }

    private void cluster(String kubevirt) throws IOException {
        server.expect().get().withPath("/openapi/v2").andReturn(200, openApi(kubevirt)).always();
        Namespace ns = new NamespaceBuilder().withNewMetadata().withName("migrated").endMetadata().build();
        GpuClusters.validate(Mappers.json().valueToTree(ns), SchemaSet.bundled());
        client.namespaces().resource(ns).create();
    }

    /** The inventory of a dump directory, written as a file. */
    private Path inventory(Path dumps) throws IOException {
        Path file = tmp.resolve("inventory.json");
        Files.writeString(file, InventoryCodec.write(XmlDumpSource.open(dumps).scan(VmSelector.ALL),
                InventoryCodec.Format.JSON));
        return file;
    }

    private CliRun convert(Path inventory, Path out, String... vms) throws IOException {
        Path map = tmp.resolve("mappings.yaml");
        Files.writeString(map, MAPPINGS);
        Stream<String> args = Stream.of("convert", "--inventory", inventory.toString(), "--map", map.toString(),
                "--target-namespace", "migrated", "--from-cluster", "--kubeconfig", kubeconfig().toString(), "--out",
                out.toString());
        for (String vm : vms) {
            args = Stream.concat(args, Stream.of("--vm", vm));
        }
        return CliRun.run(args.toArray(String[]::new));
    }

    @Test
    void aDraClusterIsPickedByItselfAndItsClaimsValidate() throws IOException {
        GpuClusters.dra(client);
        cluster("v1.9");
        Path out = tmp.resolve("out");
        CliRun run = convert(inventory(Path.of("..", "examples", "gpu-host")), out, "inference-02", "web-03");
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("gpuTarget auto: DRA, because KubeVirt v1.9.0 has GPUsWithDRA on and"
                + " DeviceClass vfio.gpu.nvidia.com exists with 4 matching device(s) published");
        assertThat(out.resolve("resourceclaimtemplate-inference-02.yaml")).exists();
        assertThat(Files.readString(out.resolve("virtualmachine-inference-02.yaml"))).contains("claimName: gpus")
                .doesNotContain("deviceName");

        CliRun validate = CliRun.run("validate", out.toString(), "--from-cluster", "--kubeconfig",
                kubeconfig().toString());
        assertThat(validate.code()).as(validate.out() + validate.err()).isZero();
        assertThat(validate.out()).contains("0 finding");
    }

    @Test
    void draShortfallsBlockTheVmsPastTheCapacityNamingThePoolAndCount() throws IOException {
        GpuClusters.dra(client, Map.of("10de:2330", 1)); // H100s only: the example's A2 is nowhere
        cluster("v1.9");
        Path out = tmp.resolve("out");
        CliRun run = convert(inventory(Path.of("..", "examples", "gpu-host")), out, "inference-02", "web-03");
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).contains("BLOCKED inference-02", "GPU_CAPACITY_EXCEEDED",
                "claims a device of DeviceClass vfio.gpu.nvidia.com", "deviceID == \"0x25b6\"",
                "offer 0 matching (no published device matches) for the 1 the set requests: shortfall 1");
        assertThat(out.resolve("virtualmachine-web-03.yaml")).exists();
        assertThat(out.resolve("virtualmachine-inference-02.yaml")).doesNotExist();
    }

    @Test
    void planValidateFromClusterDecidesAutoFromTheClusterAndChecksTheClaims() throws IOException {
        GpuClusters.dra(client);
        cluster("v1.9");
        String text = Files.readString(Path.of("../examples/gpu-host-plan.yaml"))
                .replace("target: dir:out/gpu-host", "target: {cluster: {kubeconfig: kubeconfig, context: mock,"
                        + " namespace: migrated}}")
                .replace("names: [designer-ws-01, inference-02, web-03]", "names: [inference-02, web-03]")
                .replace("br-design: {type: bridge, nad: design/br-design}", "br-design: {type: pod}");
        kubeconfig();
        Path plan = ExampleCopy.into(tmp, text);
        dev.kvmigrate.plans.example.ExampleDisks.create(tmp.resolve("gpu-host"),
                dev.kvmigrate.plans.example.ExampleDisks.Maker.JAVA);
        Path objects = tmp.resolve("checked");
        CliRun ok = CliRun.run("plan", "validate", plan.toString(), "--from-cluster", "--out", objects.toString());
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("gpuTarget auto: DRA, because KubeVirt v1.9.0", "2 VM(s), 0 blocker(s)");
        assertThat(objects.resolve("resourceclaimtemplate-inference-02.yaml")).exists();
        assertThat(Files.readString(objects.resolve("admin/summary.md"))).contains("gpuTarget auto: DRA");

        // without the DeviceClass auto decides for the device plugin, and the cluster advertises no A2 through one
        client.resources(io.fabric8.kubernetes.api.model.resource.v1.DeviceClass.class)
                .withName("vfio.gpu.nvidia.com").delete();
        CliRun gone = CliRun.run("plan", "validate", plan.toString(), "--from-cluster", "--out",
                tmp.resolve("checked-2").toString());
        assertThat(gone.code()).as(gone.out() + gone.err()).isEqualTo(1);
        assertThat(gone.out()).contains("gpuTarget auto: device plugin, because the cluster has no DeviceClass"
                + " vfio.gpu.nvidia.com", "blocker GPU_CAPACITY_EXCEEDED: VM inference-02 needs"
                + " nvidia.com/GA107GL_A2___A16, but the cluster's nodes (none advertises it) offer 0 allocatable");
    }

    @Test
    void aLegacyClusterGivesItsMixedCaseNamesAndSaysSo() throws IOException {
        GpuClusters.legacy(client);
        cluster("v1.6");
        Path dumps = Files.createDirectory(tmp.resolve("d2"));
        try (Stream<Path> files = Files.list(SharedDir.require("fixtures/real-2/libvirt-derived/"
                + "D2-passthrough-vdsm-host"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dumps.resolve(f.getFileName()));
            }
        }
        Path out = tmp.resolve("out");
        CliRun run = convert(inventory(dumps), out);
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("gpuTarget auto: device plugin, because KubeVirt v1.6.2 does not have the"
                + " GPUsWithDRA feature gate on", "GPU_NAME_FROM_CLUSTER", "derived nvidia.com/GM107GL_QUADRO_K2200;"
                + " the cluster names it nvidia.com/GM107GL_Quadro_K2200 (the KubeVirt CR's pciVendorSelector"
                + " '10DE:13BA')");
        assertThat(Files.readString(out.resolve("virtualmachine-cad-passthrough.yaml")))
                .contains("deviceName: nvidia.com/GM107GL_Quadro_K2200");
        // the CR already permits it: no patch entry for it, and the cluster's own entries are kept in the lists
        String patch = Files.readString(out.resolve("admin/kubevirt-cr-patch.yaml"));
        assertThat(patch).doesNotContain("permittedHostDevices");

        CliRun validate = CliRun.run("validate", out.toString(), "--from-cluster", "--kubeconfig",
                kubeconfig().toString());
        assertThat(validate.code()).as(validate.out() + validate.err()).isZero();
    }
}
