package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plan schema / init / validate / status through the CLI, on the bundled example host. */
class PlanCommandsTest {
    @TempDir
    Path tmp;

    private Path example() throws Exception {
        Path host = tmp.resolve("gpu-host");
        try (var walk = Files.walk(Path.of("../examples/gpu-host"))) {
            for (Path p : walk.toList()) {
                Path rel = Path.of("../examples/gpu-host").relativize(p);
                if (rel.startsWith("disks")) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    Files.createDirectories(host.resolve(rel.toString()));
                } else {
                    Files.copy(p, host.resolve(rel.toString()));
                }
            }
        }
        assertThat(CliRun.run("plan", "example-disks", "--java", host.toString()).code()).isZero();
        return host;
    }

    @Test
    void schemaIsJsonThatAcceptsTheExamplePlan() throws Exception {
        CliRun r = CliRun.run("plan", "schema");
        assertThat(r.code()).isZero();
        JsonNode schema = new ObjectMapper().readTree(r.out());
        assertThat(schema.path("title").asText()).contains("MigrationPlan");
        var s = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(r.out());
        assertThat(s.validate(new YAMLMapper().readTree(Path.of("../examples/gpu-host-plan.yaml").toFile())))
                .isEmpty();
    }

    @Test
    void initWritesAPlanWithEveryVmAndExplainedGpuNames() throws Exception {
        Path host = example();
        Path inv = tmp.resolve("inventory.json");
        assertThat(CliRun.run("inventory", "scan", "--xml-dir", host.toString(), "--out", inv.toString()).code())
                .isZero();
        Path plan = tmp.resolve("lab.yaml");
        CliRun init = CliRun.run("plan", "init", "--from", inv.toString(), "--out", plan.toString());
        assertThat(init.code()).as(init.err()).isZero();
        String text = Files.readString(plan);
        assertThat(text).contains("name: lab", "xmlDir: gpu-host", "- designer-ws-01", "- inference-02", "- web-03",
                "# vGPU nvidia-231 \"GRID T4-2Q\" → nvidia.com/GRID_T4-2Q (NVIDIA device plugin: type name,"
                        + " spaces → _)",
                "nvidia-231: nvidia.com/GRID_T4-2Q",
                "\"10de:25b6\": nvidia.com/GA107GL_A2___A16",
                "br-design: {type: bridge, nad: br-design}", "default: {type: pod}");
        assertThat(CliRun.run("plan", "init", "--from", inv.toString(), "--out", plan.toString()).code())
                .as("an existing plan is not replaced without --force").isEqualTo(2);
        CliRun v = CliRun.run("plan", "validate", plan.toString(),
                "--schema", dev.kvmigrate.testing.SharedDir.require("schemas/kubevirt-swagger.json").toString(),
                "--schema", dev.kvmigrate.testing.SharedDir.require("schemas/cdi-swagger.json").toString());
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).contains("3 VM(s), 0 blocker(s)").doesNotContain("not checked against OpenAPI");
    }

    @Test
    void validateReportsUnmappedThingsAndBlockers() throws Exception {
        example();
        Path plan = tmp.resolve("p.yaml");
        Files.writeString(plan, String.join("\n", List.of("apiVersion: kv-migrate.dev/v1alpha1",
                "kind: MigrationPlan", "metadata: {name: p}", "source: {xmlDir: gpu-host}", "target: dir:out",
                "mappings:", "  networks:", "    default: {type: pod}",
                "hooks:", "  post: {image: busybox}", "")));
        CliRun v = CliRun.run("plan", "validate", plan.toString());
        assertThat(v.code()).isEqualTo(1);
        assertThat(v.out()).contains("NETWORK_NOT_IN_PLAN: VM designer-ws-01: network br-design",
                "GPU_NOT_IN_PLAN: VM designer-ws-01: GPU nvidia-231", "HOOK_NEEDS_CLUSTER");
        Files.writeString(plan, Files.readString(plan).replace("metadata: {name: p}", "metadata: {name: p}\nvms:"
                + " {names: [ghost-01]}"));
        CliRun ghost = CliRun.run("plan", "validate", plan.toString());
        assertThat(ghost.code()).isEqualTo(3);
        assertThat(ghost.err()).contains("ghost-01");
        Files.writeString(plan, "apiVersion: kv-migrate.dev/v1alpha1\nkind: MigrationPlan\nmetadata: {name: p}\n"
                + "source: {xmlDir: gpu-host}\ntarget: dir:out\noptions: {compresion: zstd}\n");
        CliRun bad = CliRun.run("plan", "validate", plan.toString());
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.err()).containsPattern("p\\.yaml:6:\\d+ at options\\.compresion");
    }

    @Test
    void statusOfAPlanNeverRun() throws Exception {
        Path plan = tmp.resolve("never.yaml");
        Files.copy(Path.of("../examples/gpu-host-plan.yaml"), plan);
        CliRun r = CliRun.run("plan", "status", plan.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("not run yet");
    }
}
