package dev.kvmigrate.cli;

import dev.kvmigrate.plans.example.ExampleDisks;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kv-migrate plan example-disks DIR}: the bundled example's disk images, made at run time. */
@Command(name = "example-disks", hidden = true, mixinStandardHelpOptions = true,
        description = "Create the small disk images that the XML dumps in DIR reference (qemu-img when installed,"
                + " else written in Java); existing images are kept. Used by examples/run.")
final class PlanExampleDisksCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Directory of virsh dumpxml files.")
    Path dir;

    @Option(names = "--java", description = "Write qcow2 images in Java even when qemu-img is installed.")
    boolean java;

    @Override
    public Integer call() {
        ExampleDisks.Maker maker = java ? ExampleDisks.Maker.JAVA : ExampleDisks.available();
        List<ExampleDisks.Made> made = ExampleDisks.create(dir, maker);
        var err = spec.commandLine().getErr();
        for (ExampleDisks.Made m : made) {
            err.println("kv-migrate: made " + m.file() + " (" + m.format().name().toLowerCase() + ", "
                    + (m.virtualSize() >> 20) + " MiB virtual, by " + m.maker().name().toLowerCase().replace('_', '-')
                    + ")");
        }
        if (made.isEmpty()) {
            err.println("kv-migrate: the example disks in " + dir + " exist already");
        }
        err.flush();
        return 0;
    }
}
