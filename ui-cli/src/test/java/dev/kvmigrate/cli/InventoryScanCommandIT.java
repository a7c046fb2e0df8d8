package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.InventoryCodec;
import dev.kvmigrate.testing.SharedDir;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kv-migrate inventory scan} end to end through {@link KvMigrate#run}, on libvirt's test driver. */
class InventoryScanCommandIT {
    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    static String gpuHost() {
        return "test://" + SharedDir.require("fixtures/libvirt/gpu-host.xml");
    }

    @Test
    void jsonListsAllFiveVmsWithTheirGpus() throws Exception {
        CliRun r = run("inventory", "scan", "--libvirt", gpuHost(), "-o", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode inv = new ObjectMapper().readTree(r.out());
        assertThat(inv.path("apiVersion").asText()).isEqualTo("kv-migrate.dev/v1alpha3");
        List<String> names = new ArrayList<>();
        inv.path("vms").forEach(vm -> names.add(vm.path("name").asText()));
        assertThat(names).containsExactlyInAnyOrder("cad-ws-01", "render-02", "train-03", "legacy-db-04",
                "orphan-vgpu-05");
        JsonNode cad = vm(inv, "cad-ws-01");
        assertThat(cad.at("/gpus/0/mdevType").asText()).isEqualTo("nvidia-230");
        assertThat(cad.at("/gpus/0/mdevTypeName").asText()).isEqualTo("GRID T4-1Q");
        assertThat(cad.at("/gpus/0/pciAddress").asText()).isEqualTo("0000:3b:00.0");
        assertThat(cad.at("/gpus/0/display").asBoolean()).isTrue();
        assertThat(cad.at("/gpus/0/ramfb").asBoolean()).isTrue();
        JsonNode render = vm(inv, "render-02");
        assertThat(render.path("gpus")).hasSize(2);
        render.path("gpus").forEach(g -> assertThat(g.path("mdevTypeName").asText()).isEqualTo("NVIDIA A10-12Q"));
        JsonNode train = vm(inv, "train-03");
        assertThat(train.at("/gpus/0/kind").asText()).isEqualTo("PASSTHROUGH");
        assertThat(train.at("/gpus/0/productName").asText()).isEqualTo("GH100 [H100 SXM5 80GB]");
        assertThat(vm(inv, "orphan-vgpu-05").toString()).contains("GPU_MDEV_MISSING");
        // The JSON is the inventory format: it reads back.
        Inventory back = InventoryCodec.read(new java.io.ByteArrayInputStream(r.out().getBytes(StandardCharsets.UTF_8)),
                "stdout");
        assertThat(back.vms()).hasSize(5);
    }

    private static JsonNode vm(JsonNode inv, String name) {
        for (JsonNode vm : inv.path("vms")) {
            if (vm.path("name").asText().equals(name)) {
                return vm;
            }
        }
        throw new AssertionError("no VM " + name);
    }

    @Test
    void tableShowsGpusAndConcernLines() {
        CliRun r = run("inventory", "scan", "--libvirt", gpuHost());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("NAME", "GPUS", "CONCERNS", "vGPU GRID T4-1Q", "2x vGPU NVIDIA A10-12Q",
                "GPU GH100 [H100 SXM5 80GB]", "UEFI+SB", "WARNING GPU_MDEV_MISSING")
                // The missing mdev is a warning in the inventory: a gpus mapping may still name its resource.
                .doesNotContain("BLOCKER GPU_MDEV_MISSING");
    }

    @Test
    void outWritesTheInventoryFileAndSummarisesOnStderr(@TempDir Path tmp) {
        Path file = tmp.resolve("inv.yaml");
        CliRun r = run("inventory", "scan", "--libvirt", gpuHost(), "--vm", "train-*", "--out", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("wrote 1 VM(s) to " + file);
        assertThat(InventoryCodec.read(file).vms()).singleElement()
                .satisfies(vm -> assertThat(vm.name()).isEqualTo("train-03"));
    }

    @Test
    void unreachableUriExits4WithOneLine() {
        CliRun r = run("inventory", "scan", "--libvirt", "test:///nonexistent/dir/host.xml");
        assertThat(r.code()).isEqualTo(4);
        assertThat(r.err().strip().lines()).singleElement().satisfies(l -> assertThat(l)
                .startsWith("kv-migrate: cannot connect to libvirt at test:///nonexistent/dir/host.xml"));
        assertThat(r.err()).doesNotContain("Exception", "\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void unmatchedVmPatternExits3NamingItAndTheVms() {
        CliRun r = run("inventory", "scan", "--libvirt", gpuHost(), "--vm", "cad-ws-99");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("cad-ws-99", "cad-ws-01").doesNotContain("Exception");
    }

    @Test
    void sourceIsRequiredAndExclusive() {
        assertThat(run("inventory", "scan").code()).isEqualTo(2);
        assertThat(run("inventory", "scan", "--libvirt", "test:///default", "--xml-dir", ".").code()).isEqualTo(2);
    }

    @Test
    void missingXmlDirExits3() {
        CliRun r = run("inventory", "scan", "--xml-dir", "/nonexistent/dumps");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("/nonexistent/dumps is not a directory");
    }

    @Test
    void brokenAndHostileDumpsAreNamedWhileTheRestScans(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("good.xml"), "<domain type='kvm'><name>good-01</name><memory>1048576</memory>"
                + "<vcpu>1</vcpu><os><type arch='x86_64' machine='q35'>hvm</type></os></domain>");
        Files.writeString(dir.resolve("cut.xml"), "<domain type='kvm'><name>cut</name><memory>10");
        Files.writeString(dir.resolve("xxe.xml"), "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY x SYSTEM "
                + "'file:///etc/passwd'>]><domain><name>&x;</name></domain>");
        Files.writeString(dir.resolve("zero.xml"), "<domain><name>zero-cpu</name><memory>1024</memory>"
                + "<vcpu>0</vcpu></domain>");
        CliRun r = run("inventory", "scan", "--xml-dir", dir.toString(), "-o", "json");
        assertThat(r.code()).as(r.err()).isZero(); // kept the rest, named the unreadable ones as warnings
        assertThat(r.out()).contains("good-01").doesNotContain("root:");
        assertThat(r.err()).contains("cut.xml", "xxe.xml", "DOCTYPE", "zero.xml", "<vcpu>")
                .doesNotContain("Exception", "\tat ");
        assertThat(r.err().strip().lines()).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("kv-migrate: warning: "));
    }

    @Test
    void helpShowsExamples() {
        CliRun r = run("inventory", "scan", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--libvirt", "--xml-dir", "--vm", "--out", "Examples:");
    }
}
