package dev.kvmigrate.plans.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PlanReaderTest {
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
            .getSchema(PlanSchema.json());

    static Stream<Path> good() throws Exception {
        return Stream.concat(files("good"), Stream.of(Path.of("../examples/gpu-host-plan.yaml")));
    }

    static Stream<Path> broken() throws Exception {
        return files("broken");
    }

    private static Stream<Path> files(String dir) throws URISyntaxException, IOException {
        Path root = Path.of(PlanReaderTest.class.getResource(dir).toURI());
        return Files.list(root).sorted();
    }

    @ParameterizedTest
    @MethodSource("good")
    void goodPlansReadAndMatchTheSchema(Path file) throws IOException {
        LoadedPlan plan = PlanReader.read(file);
        assertThat(plan.plan().kind()).isEqualTo("MigrationPlan");
        assertThat(SCHEMA.validate(YAML.readTree(file.toFile()))).as(file.toString()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("broken")
    void brokenPlansFailTheReaderWithAPositionAndTheSchema(Path file) throws IOException {
        assertThatThrownBy(() -> PlanReader.read(file))
                .isInstanceOf(KvMigrateException.class)
                .matches(e -> ((KvMigrateException) e).exitCode() == ExitCode.INVALID_INPUT)
                .hasMessageMatching("(?s).*" + java.util.regex.Pattern.quote(file.toString()) + ":\\d+:\\d+.*");
        JsonNode tree = YAML.readTree(file.toFile());
        assertThat(SCHEMA.validate(tree)).as(file.toString()).isNotEmpty();
    }

    @Test
    void everyPartOfTheFullPlanArrives() throws Exception {
        Path file = Path.of(PlanReaderTest.class.getResource("good/ovirt-cluster.yaml").toURI());
        LoadedPlan loaded = PlanReader.read(file);
        MigrationPlan p = loaded.plan();
        assertThat(p.name()).isEqualTo("cad-wave-1");
        assertThat(p.source().kind()).isEqualTo(PlanSource.Kind.OVIRT);
        assertThat(p.source().ovirt().get().passwordEnv()).contains("OVIRT_PASSWORD");
        assertThat(loaded.resolve(p.source().ovirt().get().caFile().get()))
                .isEqualTo(file.getParent().resolve("engine-ca.pem"));
        assertThat(p.target().cluster().get().namespace()).contains("cad");
        assertThat(p.vms().selector().matches("cad-ws-01")).isTrue();
        assertThat(p.vms().selector().matches("web-03")).isFalse();
        assertThat(p.mappings().gpus()).containsEntry("nvidia-230", "nvidia.com/GRID_T4-1Q");
        assertThat(p.mappings().network("eng").get().nad()).contains("cad/br-eng");
        assertThat(p.options().concurrencyOrDefault()).isEqualTo(4);
        assertThat(dev.kvmigrate.common.Quantities.bytesPerSecond(p.options().bandwidth().get(), "b"))
                .isEqualTo(200_000_000L);
        assertThat(p.options().runningVmOrDefault().policy()).isEqualTo(RunningVmPolicy.SHUTDOWN);
        assertThat(p.options().runningVmOrDefault().timeoutOrDefault()).hasMinutes(5);
        assertThat(p.hooks().pre().get().command()).containsExactly("./snapshot.sh", "--quiesce");
        assertThat(p.hooks().post().get().image()).contains("quay.io/acme/smoke-test:1");
        assertThat(p.overrideFor("cad-ws-01").targetName()).contains("cad-workstation-1");
        assertThat(p.overrideFor("other").targetName()).isEmpty();
        assertThat(loaded.journal().getFileName().toString()).isEqualTo("ovirt-cluster.yaml.journal");
    }

    @Test
    void shortDirTargetResolvesAgainstThePlanDirectory() throws Exception {
        Path file = Path.of(PlanReaderTest.class.getResource("good/xml-dir.yaml").toURI());
        LoadedPlan loaded = PlanReader.read(file);
        assertThat(loaded.targetDir()).isEqualTo(file.getParent().resolve("out"));
        assertThat(loaded.resolve(loaded.plan().source().xmlDir().get())).isEqualTo(file.getParent().resolve("dumps"));
    }

    @Test
    void messagesNameTheKeyAndTheFix() {
        String yaml = "apiVersion: kv-migrate.dev/v1alpha1\nkind: MigrationPlan\nmetadata: {name: a}\n"
                + "source: {xmlDir: d}\ntarget: dir:o\noptions:\n  concurrency: 0\n";
        assertThatThrownBy(() -> PlanReader.parse(yaml, "p.yaml"))
                .hasMessageContaining("p.yaml:8:1 at options")
                .hasMessageContaining("options.concurrency 0 is outside 1..64");
        assertThatThrownBy(() -> PlanReader.parse("", "e.yaml")).hasMessageContaining("e.yaml is empty");
    }

    @Test
    void bandwidthIsARateWithKubernetesSuffixes() {
        String head = "apiVersion: kv-migrate.dev/v1alpha1\nkind: MigrationPlan\nmetadata: {name: a}\n"
                + "source: {xmlDir: d}\ntarget: dir:o\noptions:\n  bandwidth: ";
        assertThat(PlanReader.parse(head + "100Mi/s\n", "p.yaml").options().bandwidth()).contains("100Mi/s");
        assertThatThrownBy(() -> PlanReader.parse(head + "100MB\n", "p.yaml"))
                .isInstanceOfSatisfying(KvMigrateException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
                .hasMessageContaining("p.yaml:8:1 at options")
                .hasMessageContaining("options.bandwidth '100MB' is not a rate (did you mean 100M or 100Mi?")
                .hasMessageNotContaining("Exception");
        assertThatThrownBy(() -> PlanReader.parse(head + "0\n", "p.yaml"))
                .hasMessageContaining("options.bandwidth '0' must be more than zero");
    }
}
