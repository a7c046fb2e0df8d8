package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole offline chain on libvirt's test driver: {@code inventory scan} → {@code convert} → {@code validate}
 * against the real KubeVirt and CDI schemas, with the GPU names the NVIDIA device plugin advertises.
 */
class GpuHostPipelineIT {
    @TempDir
    Path dir;

    @Test
    void gpuHostConvertsToValidManifestsWithExactGpuNames() throws Exception {
        Path inv = dir.resolve("inv.json");
        Path out = dir.resolve("out");
        Path map = Path.of(GpuHostPipelineIT.class.getResource("gpu-host-mappings.yaml").toURI());
        CliRun scan = CliRun.run("inventory", "scan", "--libvirt",
                "test://" + SharedDir.require("fixtures/libvirt/gpu-host.xml"), "--out", inv.toString());
        assertThat(scan.code()).as(scan.err()).isZero();

        CliRun convert = CliRun.run("convert", "--inventory", inv.toString(), "--map", map.toString(), "--out",
                out.toString());
        // orphan-vgpu-05 is blocked (its mdev is gone), so convert reports findings; the other four are written.
        assertThat(convert.code()).as(convert.out() + convert.err()).isEqualTo(1);
        assertThat(convert.out() + convert.err()).contains("BLOCKED orphan-vgpu-05");

        List<String> deviceNames = deviceNames(out);
        assertThat(deviceNames).containsExactlyInAnyOrder("nvidia.com/GRID_T4-1Q", "nvidia.com/NVIDIA_A10-12Q",
                "nvidia.com/NVIDIA_A10-12Q", "nvidia.com/GH100_H100_SXM5_80GB");
        String patch = Files.readString(out.resolve("admin/kubevirt-cr-patch.yaml"));
        assertThat(resourceNames(patch)).containsExactlyInAnyOrder("nvidia.com/GRID_T4-1Q",
                "nvidia.com/NVIDIA_A10-12Q", "nvidia.com/GH100_H100_SXM5_80GB");
        assertThat(patch).contains("mdevNameSelector: GRID T4-1Q", "pciVendorSelector: 10DE:2330", "nvidia-230",
                "nvidia-596");

        // The patched CR permits exactly what the manifests request: validate with it, 0 findings.
        Path cr = dir.resolve("kubevirt-cr.yaml");
        Files.writeString(cr, "apiVersion: kubevirt.io/v1\nkind: KubeVirt\nmetadata:\n  name: kubevirt\n"
                + "  namespace: kubevirt\n" + patch);
        Path junit = dir.resolve("junit.xml");
        CliRun validate = CliRun.run("validate", out.toString(), "--schema", SharedDir.require("schemas").toString(),
                "--kubevirt-cr", cr.toString(), "--report-junit", junit.toString());
        assertThat(validate.code()).as(validate.out() + validate.err()).isZero();
        assertThat(validate.out()).contains("0 findings");
        assertThat(Files.readString(junit)).contains("<testsuite").doesNotContain("<failure");

        // Without the patch applied, the same manifests request GPUs the cluster does not permit.
        Path bare = dir.resolve("bare-cr.yaml");
        Files.writeString(bare, "apiVersion: kubevirt.io/v1\nkind: KubeVirt\nmetadata:\n  name: kubevirt\n"
                + "  namespace: kubevirt\nspec: {}\n");
        CliRun unpermitted = CliRun.run("validate", out.toString(), "--schema",
                SharedDir.require("schemas").toString(), "--kubevirt-cr", bare.toString());
        assertThat(unpermitted.code()).isEqualTo(1);
        assertThat(unpermitted.out()).contains("nvidia.com/GH100_H100_SXM5_80GB");
    }

    private static List<String> deviceNames(Path out) throws Exception {
        try (Stream<Path> files = Files.list(out)) {
            return files.filter(p -> p.getFileName().toString().startsWith("virtualmachine-"))
                    .flatMap(p -> matches(read(p), "deviceName: (\\S+)").stream()).toList();
        }
    }

    private static List<String> resourceNames(String yaml) {
        return matches(yaml, "resourceName: (\\S+)");
    }

    private static List<String> matches(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        List<String> found = new java.util.ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
