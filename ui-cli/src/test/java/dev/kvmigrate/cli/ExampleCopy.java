package dev.kvmigrate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The bundled gpu-host example copied into a temp dir (without disks) with its plan beside it. */
final class ExampleCopy {
    private ExampleCopy() {}

    /** Copies; returns the plan file. {@code planText} replaces the example plan when given. */
    static Path into(Path tmp, String planText) throws IOException {
        Path src = Path.of("../examples/gpu-host");
        try (var walk = Files.walk(src)) {
            for (Path p : walk.toList()) {
                Path rel = src.relativize(p);
                if (rel.startsWith("disks")) {
                    continue;
                }
                Path dst = tmp.resolve("gpu-host").resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst);
                }
            }
        }
        Path plan = tmp.resolve("plan.yaml");
        if (planText == null) {
            Files.copy(Path.of("../examples/gpu-host-plan.yaml"), plan);
        } else {
            Files.writeString(plan, planText);
        }
        return plan;
    }

    /** Source image of each target disk of the example. */
    static final String[][] DISKS = {
        {"designer-ws-01.qcow2", "designer-ws-01-sda"},
        {"inference-02-root.qcow2", "inference-02-vda"},
        {"inference-02-models.img", "inference-02-vdb"},
        {"web-03.qcow2", "web-03-vda"},
    };
}
