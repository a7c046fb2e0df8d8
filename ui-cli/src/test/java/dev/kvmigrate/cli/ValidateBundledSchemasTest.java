package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.converter.validate.SchemaSet;
import dev.kvmigrate.plans.example.ExampleDisks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code validate} with no {@code --schema}, as on a fresh clone with no {@code ../shared}: the example's manifests
 * (as {@code examples/run} writes them) are checked against the schemas shipped in the jar. Reads nothing from
 * {@code ../shared}.
 */
class ValidateBundledSchemasTest {
    private static final String GPU_VM = "virtualmachine-designer-ws-01.yaml";
    private static final String GPU_VM_DISK = "datavolume-designer-ws-01-sda.yaml";

    @TempDir
    static Path tmp;
    static Path plan;
    static Path manifests;
    static Path kubevirtCr;

    @BeforeAll
    static void convertTheExample() throws IOException {
        plan = ExampleCopy.into(tmp, null);
        ExampleDisks.create(tmp.resolve("gpu-host"), ExampleDisks.Maker.JAVA);
        manifests = tmp.resolve("out");
        CliRun convert = CliRun.run("convert", "--from-plan", plan.toString(), "--out", manifests.toString());
        assertThat(convert.code()).as(convert.out() + convert.err()).isZero();
        kubevirtCr = manifests.resolve("admin/kubevirt-cr-patch.yaml");
    }

    static List<String> versions() {
        return SchemaSet.bundledVersions();
    }

    @ParameterizedTest
    @MethodSource("versions")
    void theExampleManifestsPassEveryShippedRelease(String version) {
        CliRun v = CliRun.run("validate", manifests.toString(), "--kubevirt-version", version, "--kubevirt-cr",
                kubevirtCr.toString());
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).startsWith("schemas: bundled KubeVirt " + version + ", bundled CDI v1.66, bundled"
                + " Kubernetes (fabric8 ").contains("7 objects, 0 findings");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void aPlantedUnknownGpuFieldIsAFindingNamingIt(String version, @TempDir Path dir) throws IOException {
        Path planted = plantBogusGpuField(dir);
        String minor = version.replaceFirst("^v(\\d+\\.\\d+)\\.\\d+$", "$1");
        CliRun v = CliRun.run("validate", planted.toString(), "--kubevirt-version", minor);
        assertThat(v.code()).as(v.out() + v.err()).isEqualTo(1);
        assertThat(v.out()).contains("VirtualMachine/designer-ws-01: $.spec.template.spec.domain.devices.gpus[0].bogus:"
                + " unknown field 'bogus' [MANIFEST_SCHEMA]", "2 objects, 1 finding");
    }

    @Test
    void withoutAVersionTheNewestIsUsedAndTheJsonReportSaysSo() throws IOException {
        CliRun v = CliRun.run("validate", manifests.toString(), "--kubevirt-cr", kubevirtCr.toString(), "-o", "json");
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        JsonNode report = Mappers.json().readTree(v.out());
        List<String> newest = versions();
        assertThat(report.path("schemas").get(0).asText())
                .isEqualTo("bundled KubeVirt " + newest.get(newest.size() - 1));
        assertThat(report.path("objects").asInt()).isEqualTo(7);
    }

    @Test
    void aSchemaGivenWinsOverTheBundledOneForTheSameKind(@TempDir Path dir) throws IOException {
        Path planted = plantBogusGpuField(dir);
        Path loose = dir.resolve("loose-vm.json");
        Files.writeString(loose, """
                {"swagger": "2.0", "definitions": {"VirtualMachine": {"type": "object",
                  "x-kubernetes-group-version-kind":
                    [{"group": "kubevirt.io", "version": "v1", "kind": "VirtualMachine"}],
                  "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                                 "metadata": {"type": "object", "additionalProperties": true},
                                 "spec": {"type": "object", "additionalProperties": true}}}}}
                """);
        CliRun v = CliRun.run("validate", planted.toString(), "--schema", loose.toString());
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).startsWith("schemas: " + loose + ", bundled KubeVirt ");
    }

    @Test
    void aReleaseNotShippedExitsThreeNamingThoseThatAre() {
        CliRun v = CliRun.run("validate", manifests.toString(), "--kubevirt-version", "v1.2");
        assertThat(v.code()).isEqualTo(3);
        assertThat(v.err()).contains("no bundled schemas for KubeVirt v1.2", String.join(", ", versions()));
    }

    @Test
    void planValidateChecksTheObjectsAgainstTheBundledSchemasToo() {
        CliRun v = CliRun.run("plan", "validate", plan.toString(), "--kubevirt-version", "1.6");
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).contains("schemas: bundled KubeVirt v1.6.0, ", "3 VM(s), 0 blocker(s)")
                .doesNotContain("not checked against OpenAPI");
    }

    /** The example's GPU VM, with an unknown field in its first GPU, and its DataVolume, in {@code dir}. */
    private static Path plantBogusGpuField(Path dir) throws IOException {
        ObjectNode vm = (ObjectNode) Mappers.yaml().readTree(manifests.resolve(GPU_VM).toFile());
        ((ObjectNode) vm.at("/spec/template/spec/domain/devices/gpus/0")).put("bogus", true);
        Path manifestsDir = Files.createDirectories(dir.resolve("manifests"));
        Files.writeString(manifestsDir.resolve(GPU_VM), Mappers.manifestYaml().writeValueAsString(vm));
        Files.copy(manifests.resolve(GPU_VM_DISK), manifestsDir.resolve(GPU_VM_DISK));
        return manifestsDir;
    }
}
