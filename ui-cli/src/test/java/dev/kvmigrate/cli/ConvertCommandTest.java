package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertCommandTest {
    static Path resource(String name) throws Exception {
        return Path.of(ConvertCommandTest.class.getResource(name).toURI());
    }

    @Test
    void convertsWritesTheUnblockedVmsAndExitsOneForTheBlockedOne(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        CliRun r = CliRun.run("convert", "--inventory",
                resource("gpu-host-inventory.yaml").toString(), "--map", resource("gpu-host-mappings.yaml").toString(),
                "--target-namespace", "migrated", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("BLOCKED orphan-vgpu-05", "GPU_MDEV_MISSING", "written cad-ws-01",
                "wrote 10 objects for 4 of 5 VMs");
        assertThat(out.resolve("virtualmachine-render-02.yaml")).exists();
        assertThat(out.resolve("virtualmachine-orphan-vgpu-05.yaml")).doesNotExist();
        assertThat(Files.readString(out.resolve("admin/kubevirt-cr-patch.yaml")))
                .contains("nvidia.com/GRID_T4-1Q", "nvidia.com/NVIDIA_A10-12Q", "nvidia.com/GH100_H100_SXM5_80GB");
        assertThat(Files.readString(out.resolve("Kustomization")))
                .contains("- virtualmachine-cad-ws-01.yaml", "- datavolume-cad-ws-01-sda.yaml");
        assertThat(Files.readString(out.resolve("admin/concerns.yaml"))).contains("GPU_MDEV_MISSING");
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")))
                    .as("kubectl apply -f DIR reads every .yaml: objects only").hasSize(10)
                    .allMatch(n -> n.startsWith("virtualmachine-") || n.startsWith("datavolume-"));
        }

        Path schemas = SharedDir.require("schemas");
        Path junit = tmp.resolve("reports/junit.xml");
        CliRun v = CliRun.run("validate", out.toString(), "--schema", schemas.toString(),
                "--kubevirt-cr", out.resolve("admin/kubevirt-cr-patch.yaml").toString(), "--report-junit",
                junit.toString());
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).contains("10 objects, 0 findings");
        assertThat(Files.readString(junit)).contains("tests=\"10\" failures=\"0\"");
    }

    @Test
    void selectsVmsByGlobAndRerunsIntoItsOwnOutput(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        String inv = resource("gpu-host-inventory.yaml").toString();
        CliRun first = CliRun.run("convert", "--inventory", inv, "--vm", "legacy-*", "--out",
                out.toString(), "-o", "json");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(out.resolve("virtualmachine-legacy-db-04.json")).exists();
        CliRun again = CliRun.run("convert", "--inventory", inv, "--vm", "train-03", "--out",
                out.toString());
        assertThat(again.code()).isZero();
        assertThat(out.resolve("virtualmachine-legacy-db-04.json")).doesNotExist();
        assertThat(out.resolve("virtualmachine-train-03.yaml")).exists();
    }

    @Test
    void refusesAForeignNonEmptyDirectoryAndUnknownVms(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("precious.txt"), "mine");
        String inv = resource("gpu-host-inventory.yaml").toString();
        CliRun r = CliRun.run("convert", "--inventory", inv, "--out", tmp.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("not empty and was not written by kv-migrate");
        assertThat(tmp.resolve("precious.txt")).hasContent("mine");
        CliRun none = CliRun.run("convert", "--inventory", inv, "--vm", "nope*", "--out",
                tmp.resolve("x").toString());
        assertThat(none.code()).isEqualTo(3);
        assertThat(none.err()).contains("no VM in the inventory matches nope*");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void badMappingsNameFileAndLine(@TempDir Path tmp) throws Exception {
        Path map = tmp.resolve("m.yaml");
        Files.writeString(map, "networks:\n  lan: {type: bridge}\n");
        CliRun r = CliRun.run("convert", "--inventory",
                resource("gpu-host-inventory.yaml").toString(), "--map", map.toString(), "--out",
                tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains(map + ":2:").contains("nad").doesNotContain("Exception");
    }
    @Test
    void gpuTargetDraOverridesTheMappingsAndWritesTheClaimTemplateBesideItsVm(@TempDir Path tmp) throws Exception {
        Path map = tmp.resolve("m.yaml");
        Files.writeString(map, Files.readString(resource("gpu-host-mappings.yaml")) + "gpuTarget: device-plugin\n");
        Path out = tmp.resolve("out");
        CliRun r = CliRun.run("convert", "--inventory", resource("gpu-host-inventory.yaml").toString(), "--map",
                map.toString(), "--gpu-target", "dra", "--target-namespace", "migrated", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("wrote 11 objects for 4 of 5 VMs");
        assertThat(Files.readString(out.resolve("resourceclaimtemplate-train-03.yaml")))
                .contains("kind: ResourceClaimTemplate", "deviceClassName: vfio.gpu.nvidia.com", "0x2330");
        assertThat(Files.readString(out.resolve("virtualmachine-train-03.yaml")))
                .contains("claimName: gpus", "requestName: gpu-0", "resourceClaimTemplateName: train-03",
                        "evictionStrategy: None")
                .doesNotContain("deviceName");
        String kustomization = Files.readString(out.resolve("Kustomization"));
        assertThat(kustomization.indexOf("- resourceclaimtemplate-train-03.yaml"))
                .isPositive().isLessThan(kustomization.indexOf("- virtualmachine-train-03.yaml"));
        assertThat(Files.readString(out.resolve("admin/kubevirt-cr-patch.yaml"))).doesNotContain("GH100");
        assertThat(Files.readString(out.resolve("admin/summary.md"))).contains("GPUsWithDRA");

        CliRun v = CliRun.run("validate", out.toString(), "--kubevirt-cr",
                out.resolve("admin/kubevirt-cr-patch.yaml").toString());
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).contains("11 objects, 0 findings");
    }

    @Test
    void anUnknownGpuTargetIsAUsageError(@TempDir Path tmp) throws Exception {
        CliRun r = CliRun.run("convert", "--inventory", resource("gpu-host-inventory.yaml").toString(),
                "--gpu-target", "automatic", "--out", tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--gpu-target", "auto, device-plugin, dra");
        assertThat(tmp.resolve("o")).doesNotExist();
    }
}
