package dev.kvmigrate.converter.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.converter.ConversionResult;
import dev.kvmigrate.converter.ManifestWriter;
import dev.kvmigrate.converter.OutputFormat;
import dev.kvmigrate.converter.gpu.AdminPatch;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidatorTest {
    static SchemaSet realSchemas() {
        return SchemaSet.of(List.of(SharedDir.require("schemas")));
    }

    @Test
    void convertedGpuHostSetHasNoFindingsAgainstTheRealSchemasAndItsOwnAdminPatch(@TempDir Path tmp) {
        SchemaSet schemas = realSchemas();
        ConversionResult result = dev.kvmigrate.converter.GoldenAccess.convert();
        Path out = tmp.resolve("out");
        ManifestWriter.write(result, out, OutputFormat.YAML);
        ClusterFacts facts = ClusterFacts.NONE.withPermittedDevices(KubevirtCr.permittedResources(
                result.adminPatch().patch()));
        ValidationReport report = Validator.validate(List.of(out), schemas, facts);
        assertThat(report.findings()).isEmpty();
        assertThat(report.objects()).hasSize(10);
    }

    @Test
    void jsonOutputValidatesToo(@TempDir Path tmp) {
        ConversionResult result = dev.kvmigrate.converter.GoldenAccess.convert();
        ManifestWriter.write(result, tmp.resolve("out"), OutputFormat.JSON);
        ValidationReport report = Validator.validate(List.of(tmp.resolve("out")), realSchemas(),
                ClusterFacts.NONE);
        assertThat(report.findings()).isEmpty();
        assertThat(report.notes()).isNotEmpty();
    }

    @Test
    void brokenSetGivesExpectedFindingsWithPathsAndLines() throws Exception {
        Path broken = Path.of(getClass().getResource("broken").toURI());
        ClusterFacts facts = ClusterFacts.NONE.withPermittedDevices(java.util.Set.of("nvidia.com/GRID_T4-1Q"));
        ValidationReport report = Validator.validate(List.of(broken), realSchemas(), facts);
        List<String> got = report.findings().stream()
                .map(f -> Path.of(f.file()).getFileName() + ":" + f.position().line() + " " + f.rule() + " "
                        + f.path())
                .toList();
        List<String> expected = Files.readAllLines(broken.resolveSibling("broken-expected.txt")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
        String junit = ReportRenderer.junit(report);
        assertThat(junit).contains("<testcase classname=").contains("<failure ")
                .contains("tests=\"" + (report.objects().size() + 1) + "\"");
        assertThat(ReportRenderer.json(report).path("clean").asBoolean()).isFalse();
    }

    @Test
    void closingSchemasLeavesFreeFormMapsOpen() {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode();
        node.putObject("properties").putObject("labels").put("type", "object").putObject("additionalProperties")
                .put("type", "string");
        node.with("properties").putObject("x").put("x-kubernetes-preserve-unknown-fields", true)
                .putObject("properties").putObject("a");
        SchemaSet.close(node);
        assertThat(node.path("additionalProperties").asBoolean(true)).isFalse();
        assertThat(node.at("/properties/labels/additionalProperties/type").asText()).isEqualTo("string");
        assertThat(node.at("/properties/x").has("additionalProperties")).isFalse();
        assertThat(node.at("/properties/x").has("x-kubernetes-preserve-unknown-fields")).isFalse();
    }

    @Test
    void crdSchemasAreClosedToo() throws Exception {
        SchemaSet crd = SchemaSet.of(List.of(Path.of(getClass().getResource("nad-crd.yaml").toURI())));
        ManifestReader.Result r = ManifestReader.read("nad.yaml", """
                apiVersion: k8s.cni.cncf.io/v1
                kind: NetworkAttachmentDefinition
                metadata: {name: lan, namespace: vms}
                spec:
                  config: 42
                  extra: true
                """);
        List<Finding> findings = Validator.schemaFindings(r.objects().get(0), crd);
        assertThat(findings).extracting(Finding::path, f -> f.position().line()).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("$.spec.config", 5),
                org.assertj.core.groups.Tuple.tuple("$.spec.extra", 6));
        assertThat(crd.schemaFor("k8s.cni.cncf.io/v1", "Other")).isEmpty();
    }

    @Test
    void emptyPatchPermitsNothing() {
        assertThat(KubevirtCr.permittedResources(AdminPatch.of(List.of(), Mappings.NONE).patch())).isEmpty();
    }
}
