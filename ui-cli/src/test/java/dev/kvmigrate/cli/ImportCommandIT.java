package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.importer.standin.ClusterStandIn;
import dev.kvmigrate.importer.standin.TestImages;
import dev.kvmigrate.testing.SharedDir;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportCommandIT {
    @TempDir Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = KvMigrate.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void importsIntoADirectoryWithPlainProgressAndATextResult() throws Exception {
        Path raw = TestImages.sparseRaw(tmp.resolve("web-01.raw"), 32L << 20, 0.25, 5);
        Run r = run("import", raw.toString(), "--to", "dir:" + tmp.resolve("out"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(TestImages.identical(raw, tmp.resolve("out/web-01.img"))).isTrue();
        assertThat(r.out()).contains("web-01").contains("imported").contains("xxh3-128/64k:");
        assertThat(r.err()).contains("web-01: transfer");
    }

    @Test
    void importsSeveralDisksInParallelIntoTheStandInWithJsonOutput() throws Exception {
        Path a = TestImages.sparseRaw(tmp.resolve("a.raw"), 32L << 20, 0.25, 1);
        Path b = TestImages.convert(TestImages.sparseRaw(tmp.resolve("b.raw"), 32L << 20, 0.25, 2), "qcow2",
                tmp.resolve("b.qcow2"));
        // compressed clusters (compressible content: qemu-img stores a cluster compressed only when that is
        // smaller), which the Java qcow2 reader does not read: its stored bytes go, CDI converts them
        Path text = Files.write(tmp.resolve("c.raw"), "compressible text ".repeat(1 << 18)
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Path c = tmp.resolve("c.qcow2");
        TestImages.run("qemu-img", "convert", "-q", "-c", "-f", "raw", "-O", "qcow2", text.toString(), c.toString());
        try (ClusterStandIn cluster = ClusterStandIn.start(tmp.resolve("vols"),
                SharedDir.require("schemas/cdi-swagger.json"))) {
            Path kubeconfig = tmp.resolve("kubeconfig");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: standin, cluster: {server: "%s"}}]
                    users: [{name: me, user: {token: t}}]
                    contexts: [{name: standin, context: {cluster: standin, user: me, namespace: vms}}]
                    current-context: standin
                    """.formatted(cluster.client().getMasterUrl()));
            cluster.faults().unavailable(1);
            Run r = run("import", a.toString(), "--to", "dv/disk-a", b.toString(), "--to", "pvc/disk-b",
                    c.toString(), "--to", "dv/disk-c", "--kubeconfig", kubeconfig.toString(), "--parallel", "2",
                    "--limit-rate", "500M", "-o", "json");
            assertThat(r.code()).as(r.err()).isZero();
            JsonNode results = new ObjectMapper().readTree(r.out());
            assertThat(results).hasSize(3);
            assertThat(results.get(0).get("target").asText()).isEqualTo("dv/vms/disk-a");
            // the plain qcow2 goes as its guest's raw bytes, compressed, holes skipped: less than the file on the wire
            assertThat(results.get(1).get("source").asText()).endsWith("(qcow2 read as raw)");
            assertThat(results.get(1).get("encoding").asText()).isEqualTo("zstd-adaptive");
            assertThat(results.get(1).get("digestScope").asText()).isEqualTo("disk");
            assertThat(results.get(1).get("wireBytes").asLong()).isLessThan(Files.size(b));
            assertThat(results.get(2).get("encoding").asText()).isEqualTo("as-is");
            assertThat(results.get(2).get("wireBytes").asLong()).isEqualTo(Files.size(c));
            assertThat(r.err()).contains("\"event\":\"retry\"");
            assertThat(TestImages.identical(a, cluster.volume("vms", "disk-a").orElseThrow().file())).isTrue();
            assertThat(TestImages.identical(b, cluster.volume("vms", "disk-b").orElseThrow().file())).isTrue();
            assertThat(TestImages.identical(c, cluster.volume("vms", "disk-c").orElseThrow().file())).isTrue();
            assertThat(cluster.schemaViolations()).isEmpty();
        }
    }

    @Test
    void aMissingSourceIsOneLineAndExitCode3() {
        Run r = run("import", tmp.resolve("nope.qcow2").toString(), "--to", "dir:" + tmp);
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("nope.qcow2");
    }

    @Test
    void unpairedTargetsAreAUsageProblem() {
        Run r = run("import", "a.raw", "b.raw", "--to", "dv/a");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("one --to per SOURCE");
    }
}
