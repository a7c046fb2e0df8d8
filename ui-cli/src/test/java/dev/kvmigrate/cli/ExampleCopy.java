package dev.kvmigrate.cli;

import dev.kvmigrate.plans.example.ExampleFiles;
import java.io.IOException;
import java.nio.file.Path;

/** The bundled gpu-host example copied into a temp dir (without disks) with its plan beside it. */
final class ExampleCopy {
    private ExampleCopy() {}

    /** Copies; returns the plan file. {@code planText} replaces the example plan when given. */
    static Path into(Path tmp, String planText) throws IOException {
        return ExampleFiles.copy(tmp, planText);
    }

    /** Source image of each target disk of the example. */
    static final String[][] DISKS = {
        {"designer-ws-01.qcow2", "designer-ws-01-sda"},
        {"inference-02-root.qcow2", "inference-02-vda"},
        {"inference-02-models.img", "inference-02-vdb"},
        {"web-03.qcow2", "web-03-vda"},
    };
}
