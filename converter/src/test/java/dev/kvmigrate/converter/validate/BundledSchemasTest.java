package dev.kvmigrate.converter.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.converter.ConversionResult;
import dev.kvmigrate.converter.ManifestWriter;
import dev.kvmigrate.converter.OutputFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The schemas shipped on the classpath: no ../shared needed. */
class BundledSchemasTest {
    static List<String> versions() {
        return SchemaSet.bundledVersions();
    }

    @Test
    void shipsKubevirtOneSixToOneNine() {
        assertThat(SchemaSet.bundledVersions()).containsExactly("v1.6.0", "v1.7.0", "v1.8.0", "v1.9.0");
        assertThat(SchemaSet.bundled().sources()).containsExactly("bundled KubeVirt v1.9.0", "bundled CDI v1.66",
                "bundled Kubernetes (fabric8 7.8.0)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.8", "v1.8", "v1.8.0", "v1.8.3"})
    void aReleaseIsNamedWithOrWithoutVAndPatch(String version) {
        assertThat(SchemaSet.bundled(version).sources()).first().isEqualTo("bundled KubeVirt v1.8.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1.2", "1.10", "latest", ""})
    void aReleaseNotShippedIsInvalidInputNamingThoseThatAre(String version) {
        assertThatThrownBy(() -> SchemaSet.bundled(version)).isInstanceOfSatisfying(KvMigrateException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
                .hasMessageContaining("no bundled schemas for KubeVirt " + version)
                .hasMessageContaining("bundled: v1.6.0, v1.7.0, v1.8.0, v1.9.0");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void convertedGpuHostSetHasNoFindings(String version, @TempDir Path tmp) {
        ConversionResult result = dev.kvmigrate.converter.GoldenAccess.convert();
        ManifestWriter.write(result, tmp, OutputFormat.YAML);
        ClusterFacts facts = ClusterFacts.NONE.withPermittedDevices(KubevirtCr.permittedResources(
                result.adminPatch().patch()));
        ValidationReport report = Validator.validate(List.of(tmp), SchemaSet.bundled(version), facts);
        assertThat(report.findings()).isEmpty();
        assertThat(report.objects()).hasSize(10);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void brokenSetGivesTheSameFindingsAsTheUpstreamDocuments(String version) throws Exception {
        Path broken = Path.of(getClass().getResource("broken").toURI());
        ClusterFacts facts = ClusterFacts.NONE.withPermittedDevices(java.util.Set.of("nvidia.com/GRID_T4-1Q"));
        ValidationReport report = Validator.validate(List.of(broken), SchemaSet.bundled(version), facts);
        List<String> got = report.findings().stream()
                .map(f -> Path.of(f.file()).getFileName() + ":" + f.position().line() + " " + f.rule() + " "
                        + f.path())
                .toList();
        List<String> expected = Files.readAllLines(broken.resolveSibling("broken-expected.txt")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource(delimiter = '|', value = {
        // Quantity: a string or a number
        "v1|PersistentVolumeClaim|spec: {resources: {requests: {storage: %s}}}|10Gi|1073741824",
        // Swagger's IntOrString (type string, format int-or-string): a number or a string
        "pool.kubevirt.io/v1beta1|VirtualMachinePool|spec: {selector: {}, virtualMachineTemplate: {}, maxUnavailable:"
                + " %s}|'\"10%\"'|1",
    })
    void intOrStringAndQuantityTakeANumberOrAStringOnly(String apiVersion, String kind, String spec, String text,
            String number) throws Exception {
        var schema = SchemaSet.bundled().schemaFor(apiVersion, kind).orElseThrow();
        var yaml = dev.kvmigrate.common.json.Mappers.yaml();
        String doc = "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata: {name: x}\n" + spec + "\n";
        assertThat(schema.validate(yaml.readTree(doc.formatted(text)))).isEmpty();
        assertThat(schema.validate(yaml.readTree(doc.formatted(number)))).isEmpty();
        assertThat(schema.validate(yaml.readTree(doc.formatted("[" + number + "]")))).isNotEmpty();
    }
}
