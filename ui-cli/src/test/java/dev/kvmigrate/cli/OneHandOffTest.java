package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kvmigrate.plans.example.ExampleDisks;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.plans.run.KubernetesExecutor;
import dev.kvmigrate.plans.run.PlanConversion;
import dev.kvmigrate.plans.run.PlanRun;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One function makes every VM's objects: for the example plan with a renamed VM in its own namespace on its own
 * storage class, {@code convert --from-plan}, {@code plan validate --out}, {@code plan run --dry-run} and the
 * Kubernetes executor's ConfigMap carry byte-identical objects, and the renamed VM's objects, labels and volume
 * references all use the new name.
 */
class OneHandOffTest {
    @TempDir
    Path tmp;

    @Test
    void everyFrontEndCarriesTheSameObjects() throws Exception {
        String text = Files.readString(Path.of("../examples/gpu-host-plan.yaml"))
                .replace("target: dir:out/gpu-host", "target: {cluster: {namespace: mig}}")
                + "overrides:\n  designer-ws-01: {targetName: cad-01, namespace: design, storageClass: fast-nvme}\n";
        Path plan = ExampleCopy.into(tmp, text);
        ExampleDisks.create(tmp.resolve("gpu-host"), ExampleDisks.Maker.JAVA);

        CliRun convert = CliRun.run("convert", "--from-plan", plan.toString(), "--out", tmp.resolve("conv")
                .toString());
        assertThat(convert.code()).as(convert.out() + convert.err()).isZero();
        CliRun validate = CliRun.run("plan", "validate", plan.toString(), "--out", tmp.resolve("val").toString());
        assertThat(validate.code()).as(validate.out() + validate.err()).isZero();
        CliRun dry = CliRun.run("plan", "run", plan.toString(), "--dry-run");
        assertThat(dry.code()).as(dry.out() + dry.err()).isZero();

        Map<String, String> converted = objects(tmp.resolve("conv"));
        assertThat(converted).hasSize(7).containsKeys("virtualmachine-cad-01.yaml", "datavolume-cad-01-sda.yaml");
        assertThat(objects(tmp.resolve("val"))).isEqualTo(converted);
        assertThat(objects(plan.resolveSibling(plan.getFileName() + ".dry-run").resolve("manifests")))
                .isEqualTo(converted);

        PlanConversion.Prepared p = PlanRun.prepare(PlanReader.read(plan));
        List<HasMetadata> jobs = KubernetesExecutor.objects(p, new KubernetesExecutor.Submission(List.of(List.of(
                "designer-ws-01", "inference-02", "web-03")), 2, java.util.Optional.empty(), "img", "mig"));
        assertThat(jobs).filteredOn(o -> o.getKind().equals("Role")).extracting(o -> o.getMetadata().getNamespace())
                .as("the workers may write where the overrides send a VM").containsExactlyInAnyOrder("design", "mig");
        String carried = jobs.stream().filter(o -> o instanceof ConfigMap).map(o -> (ConfigMap) o).findFirst()
                .orElseThrow().getData().get(KubernetesExecutor.OBJECTS_KEY);
        assertThat(carried).startsWith("---\n");
        assertThat(List.of(carried.substring(4).split("\n---\n", -1))).map(d -> d.endsWith("\n") ? d : d + "\n")
                .containsExactlyInAnyOrderElementsOf(converted.values());

        YAMLMapper yaml = new YAMLMapper();
        JsonNode vm = yaml.readTree(converted.get("virtualmachine-cad-01.yaml"));
        assertThat(vm.at("/metadata/name").asText()).isEqualTo("cad-01");
        assertThat(vm.at("/metadata/namespace").asText()).isEqualTo("design");
        assertThat(vm.at("/metadata/labels").path("kv-migrate.dev/vm").asText()).isEqualTo("cad-01");
        assertThat(vm.at("/spec/template/spec/volumes/0/dataVolume/name").asText()).isEqualTo("cad-01-sda");
        JsonNode dv = yaml.readTree(converted.get("datavolume-cad-01-sda.yaml"));
        assertThat(dv.at("/metadata/namespace").asText()).isEqualTo("design");
        assertThat(dv.at("/metadata/labels").path("kv-migrate.dev/vm").asText()).isEqualTo("cad-01");
        assertThat(dv.at("/spec/storage/storageClassName").asText()).isEqualTo("fast-nvme");
        assertThat(converted.values()).noneMatch(t -> t.contains("designer-ws-01-"));
        JsonNode web = yaml.readTree(converted.get("virtualmachine-web-03.yaml"));
        assertThat(web.at("/metadata/namespace").asText()).isEqualTo("mig");
    }

    /** The top-level object files of an output directory (what {@code kubectl apply -f DIR} reads). */
    static Map<String, String> objects(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".yaml")).toList()) {
                out.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        return out;
    }
}
