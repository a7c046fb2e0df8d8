package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's example path through the CLI, in-process: disks made, plan run into dir:, the VMs land with the
 * right GPU requests, the objects pass validate against the real schemas and the admin patch, every disk is
 * byte-identical (qemu-img compare), the reports are there; a dry run touches nothing.
 */
class PlanRunDirIT {
    @TempDir
    Path tmp;

    @Test
    void theExampleMigratesIntoADirectory() throws Exception {
        Path plan = ExampleCopy.into(tmp, null);
        assertThat(CliRun.run("plan", "example-disks", tmp.resolve("gpu-host").toString()).code()).isZero();
        CliRun run = CliRun.run("plan", "run", plan.toString());
        assertThat(run.code()).as(run.err()).isZero();
        Path out = tmp.resolve("out/gpu-host");
        assertThat(run.out()).contains("3 of 3 VM(s) migrated", "report: " + out.resolve("report/report.html"));

        YAMLMapper yaml = new YAMLMapper();
        JsonNode ws = yaml.readTree(out.resolve("virtualmachine-designer-ws-01.yaml").toFile());
        assertThat(ws.at("/spec/template/spec/domain/devices/gpus/0/deviceName").asText())
                .isEqualTo("nvidia.com/GRID_T4-2Q");
        assertThat(ws.at("/spec/template/spec/domain/devices/gpus/0/virtualGPUOptions/display/enabled").asBoolean())
                .isTrue();
        JsonNode inf = yaml.readTree(out.resolve("virtualmachine-inference-02.yaml").toFile());
        assertThat(inf.at("/spec/template/spec/domain/devices/gpus/0/deviceName").asText())
                .isEqualTo("nvidia.com/GA107GL_A2___A16");
        JsonNode web = yaml.readTree(out.resolve("virtualmachine-web-03.yaml").toFile());
        assertThat(web.at("/spec/template/spec/domain/devices/gpus").isMissingNode()
                || web.at("/spec/template/spec/domain/devices/gpus").isEmpty()).isTrue();
        JsonNode dv = yaml.readTree(out.resolve("datavolume-inference-02-vdb.yaml").toFile());
        assertThat(dv.at("/metadata/labels/kv-migrate.dev~1plan").asText()).isEqualTo("gpu-host");
        assertThat(dv.at("/spec/source/upload").isObject()).isTrue();

        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("validate",
                "--schema", SharedDir.require("schemas/kubevirt-swagger.json").toString(),
                "--schema", SharedDir.require("schemas/cdi-swagger.json").toString(),
                "--kubevirt-cr", out.resolve("admin/kubevirt-cr-patch.yaml").toString()));
        try (var files = Files.list(out)) {
            files.filter(f -> f.toString().endsWith(".yaml")).forEach(f -> args.add(f.toString()));
        }
        assertThat(args).hasSize(7 + 7);
        CliRun valid = CliRun.run(args.toArray(String[]::new));
        assertThat(valid.code()).as(valid.out()).isZero();

        for (String[] d : ExampleCopy.DISKS) {
            Path src = tmp.resolve("gpu-host/disks").resolve(d[0]);
            Path dst = out.resolve("disks").resolve(d[1] + ".img");
            assertThat(compare(src, dst)).as(d[1]).isZero();
        }

        JsonNode report = new ObjectMapper().readTree(out.resolve("report/report.json").toFile());
        assertThat(report.path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(report.path("vms")).hasSize(3);
        String junit = Files.readString(out.resolve("report/report.xml"));
        assertThat(junit).contains("tests=\"3\" failures=\"0\"", "name=\"designer-ws-01\"", "name=\"web-03\"");
        assertThat(Files.readString(out.resolve("report/report.html"))).contains("designer-ws-01", "inference-02",
                "web-03", "nvidia.com/GRID_T4-2Q");

        CliRun status = CliRun.run("plan", "status", plan.toString(), "-o", "json");
        assertThat(status.code()).isZero();
        JsonNode st = new ObjectMapper().readTree(status.out());
        assertThat(st.path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(st.path("vms")).hasSize(3);

        CliRun again = CliRun.run("plan", "run", plan.toString());
        assertThat(again.code()).as("a second run without --resume is refused").isEqualTo(2);
        assertThat(again.err()).contains("--resume");
    }

    @Test
    void dryRunWritesManifestsAndReportAndTouchesNothing() throws Exception {
        Path plan = ExampleCopy.into(tmp, null);
        assertThat(CliRun.run("plan", "example-disks", "--java", tmp.resolve("gpu-host").toString()).code())
                .isZero();
        CliRun dry = CliRun.run("plan", "run", plan.toString(), "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        Path d = tmp.resolve("plan.yaml.dry-run");
        assertThat(d.resolve("manifests/virtualmachine-designer-ws-01.yaml")).exists();
        assertThat(d.resolve("manifests/admin/kubevirt-cr-patch.yaml")).exists();
        assertThat(d.resolve("report/report.html")).exists();
        assertThat(tmp.resolve("out")).doesNotExist();
        assertThat(tmp.resolve("plan.yaml.journal")).doesNotExist();
    }

    static int compare(Path a, Path b) throws Exception {
        Process p = new ProcessBuilder("qemu-img", "compare", a.toString(), b.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }
}
