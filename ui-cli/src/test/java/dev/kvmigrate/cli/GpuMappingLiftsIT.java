package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.plans.example.ExampleDisks;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GPU the source cannot name (a vGPU type without a type name, a passthrough GPU without a product name) is a
 * scan warning; the converter blocks the VM only when no GPU mapping names the resource. Through {@code convert
 * --from-plan} and {@code plan run}, on the bundled example with its node devices stripped of those names.
 */
class GpuMappingLiftsIT {
    @TempDir
    Path tmp;

    private Path example(String planText) throws Exception {
        Path plan = ExampleCopy.into(tmp, planText);
        Path nodedev = tmp.resolve("gpu-host/nodedev");
        Path t4 = nodedev.resolve("pci_0000_3b_00_0.xml");
        Files.writeString(t4, Files.readString(t4).replace("<name>GRID T4-2Q</name>", ""));
        Path a2 = nodedev.resolve("pci_0000_af_00_0.xml");
        Files.writeString(a2, Files.readString(a2).replace("<product id='0x25b6'>GA107GL [A2 / A16]</product>",
                "<product id='0x25b6'/>"));
        ExampleDisks.create(tmp.resolve("gpu-host"), ExampleDisks.Maker.JAVA);
        return plan;
    }

    @Test
    void withoutAMappingTheNamelessVgpuBlocksItsVm() throws Exception {
        String text = Files.readString(Path.of("../examples/gpu-host-plan.yaml"));
        text = text.substring(0, text.indexOf("  gpus:")) + text.substring(text.indexOf("options:"));
        Path plan = example(text);
        CliRun scan = CliRun.run("inventory", "scan", "--xml-dir", tmp.resolve("gpu-host").toString(), "-o", "yaml");
        assertThat(scan.out()).contains("code: GPU_TYPE_NAME_UNKNOWN", "code: GPU_PRODUCT_UNKNOWN")
                .doesNotContain("severity: BLOCKER");
        CliRun convert = CliRun.run("convert", "--from-plan", plan.toString(), "--out", tmp.resolve("m").toString());
        assertThat(convert.code()).as(convert.out() + convert.err()).isEqualTo(1);
        String concerns = Files.readString(tmp.resolve("m/admin/concerns.yaml"));
        assertThat(concerns).contains("code: GPU_TYPE_NAME_UNKNOWN").contains("severity: BLOCKER");
        assertThat(tmp.resolve("m/virtualmachine-designer-ws-01.yaml")).doesNotExist();
        CliRun dry = CliRun.run("plan", "run", plan.toString(), "--dry-run");
        assertThat(dry.code()).isEqualTo(1);
        assertThat(dry.out()).contains("designer-ws-01 → designer-ws-01 BLOCKED");
    }

    @Test
    void aGpuMappingLiftsTypeNameAndProductUnknown() throws Exception {
        Path plan = example(Files.readString(Path.of("../examples/gpu-host-plan.yaml")));
        CliRun convert = CliRun.run("convert", "--from-plan", plan.toString(), "--out", tmp.resolve("m").toString());
        assertThat(convert.code()).as(convert.out() + convert.err()).isZero();
        assertThat(Files.readString(tmp.resolve("m/admin/concerns.yaml"))).doesNotContain("GPU_TYPE_NAME_UNKNOWN",
                "GPU_PRODUCT_UNKNOWN");
        assertThat(Files.readString(tmp.resolve("m/virtualmachine-designer-ws-01.yaml")))
                .contains("deviceName: nvidia.com/GRID_T4-2Q");
        assertThat(Files.readString(tmp.resolve("m/virtualmachine-inference-02.yaml")))
                .contains("deviceName: nvidia.com/GA107GL_A2___A16");

        CliRun run = CliRun.run("plan", "run", plan.toString());
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        Path out = tmp.resolve("out/gpu-host");
        assertThat(Files.readString(out.resolve("virtualmachine-designer-ws-01.yaml")))
                .contains("deviceName: nvidia.com/GRID_T4-2Q");
        assertThat(Files.readString(out.resolve("virtualmachine-inference-02.yaml")))
                .contains("deviceName: nvidia.com/GA107GL_A2___A16");
    }
}
