package dev.kvmigrate.plans.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.model.DiskFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java-written images are real: qemu-img checks them and finds them identical to the raw content. */
class ExampleDisksIT {
    @TempDir
    Path tmp;

    @Test
    void javaQcow2IsValidAndHoldsTheContent() throws Exception {
        DiskContent c = DiskContent.of("t.qcow2", 64, List.of(0, 9, 37));
        Path q = tmp.resolve("t.qcow2");
        Path r = tmp.resolve("t.raw");
        ImageWriters.qcow2(c, q);
        ImageWriters.raw(c, r);
        assertThat(run("qemu-img", "check", q.toString())).isZero();
        assertThat(run("qemu-img", "compare", "-f", "qcow2", "-F", "raw", q.toString(), r.toString())).isZero();
        // a different content must compare different: the check can fail
        Path other = tmp.resolve("o.raw");
        ImageWriters.raw(DiskContent.of("other", 64, List.of(0)), other);
        assertThat(run("qemu-img", "compare", "-f", "qcow2", "-F", "raw", q.toString(), other.toString()))
                .isEqualTo(1);
    }

    @Test
    void bothMakersGiveTheSameGuestBytes() throws Exception {
        Path dumps = tmp.resolve("dumps");
        Files.createDirectories(dumps);
        for (String f : List.of("designer-ws-01.xml", "inference-02.xml", "web-03.xml")) {
            Files.copy(Path.of("../examples/gpu-host").resolve(f), dumps.resolve(f));
        }
        Files.createDirectories(dumps.resolve("nodedev"));
        try (var s = Files.list(Path.of("../examples/gpu-host/nodedev"))) {
            for (Path p : s.toList()) {
                Files.copy(p, dumps.resolve("nodedev").resolve(p.getFileName()));
            }
        }
        List<ExampleDisks.Made> made = ExampleDisks.create(dumps, ExampleDisks.Maker.JAVA);
        assertThat(made).hasSize(4);
        assertThat(made).extracting(ExampleDisks.Made::format).contains(DiskFormat.QCOW2, DiskFormat.RAW);
        for (ExampleDisks.Made m : made) {
            Path viaQemu = tmp.resolve("q-" + m.file().getFileName());
            ExampleDisks.write(ExampleDisks.contentFor(m.file().getFileName().toString()), m.format(), viaQemu,
                    ExampleDisks.Maker.QEMU_IMG);
            String fmt = m.format() == DiskFormat.QCOW2 ? "qcow2" : "raw";
            assertThat(run("qemu-img", "compare", "-f", fmt, "-F", fmt, m.file().toString(), viaQemu.toString()))
                    .as(m.file().toString()).isZero();
        }
        assertThat(ExampleDisks.create(dumps, ExampleDisks.Maker.JAVA)).as("existing images are kept").isEmpty();
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }
}
