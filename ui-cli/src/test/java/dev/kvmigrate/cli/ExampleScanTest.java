package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The bundled example's scan (the README's command) works offline and shows its GPUs. */
class ExampleScanTest {
    static final Path EXAMPLE = Path.of("..", "examples", "gpu-host");

    @Test
    void exampleScansToATableWithItsGpus() {
        assertThat(EXAMPLE).as("examples/gpu-host beside ui-cli").isDirectory();
        CliRun r = CliRun.run("inventory", "scan", "--xml-dir",
                EXAMPLE.toString(), "-o", "table");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("designer-ws-01", "inference-02", "web-03", "vGPU GRID T4-2Q",
                "GPU GA107GL [A2 / A16]", "UEFI+SB");
        // networks/default.xml is not a VM.
        assertThat(r.out().lines().filter(l -> l.startsWith(" default"))).isEmpty();
    }

    @Test
    void exampleDisksAreSizedOnceTheyExist() throws Exception {
        Path disks = EXAMPLE.resolve("disks");
        boolean present = Files.exists(disks.resolve("web-03.qcow2"));
        CliRun r = CliRun.run("inventory", "scan", "--xml-dir",
                EXAMPLE.toString(), "--vm", "web-03", "-o", "json");
        assertThat(r.code()).isZero();
        if (present) {
            assertThat(r.out()).contains("\"virtualSize\"").doesNotContain("DISK_SIZE_UNKNOWN");
        } else {
            assertThat(r.out()).contains("DISK_SIZE_UNKNOWN").contains("examples/gpu-host/disks/web-03.qcow2");
        }
    }
}
