package dev.kvmigrate.plans.example;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bundled gpu-host example copied into a temp dir — its dumps without {@code disks/}, and its plan as
 * {@code plan.yaml} beside them — so tests run it without touching the checkout. Shared through the plans
 * test-jar with the CLI tests.
 */
public final class ExampleFiles {
    private ExampleFiles() {}

    /** Copies the example into {@code tmp}; returns the plan file. {@code planText} replaces the plan when given. */
    public static Path copy(Path tmp, String planText) throws IOException {
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
}
