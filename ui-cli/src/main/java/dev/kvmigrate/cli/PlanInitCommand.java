package dev.kvmigrate.cli;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.io.AtomicFile;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.InventoryCodec;
import dev.kvmigrate.plans.model.PlanInit;
import dev.kvmigrate.plans.model.PlanReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kv-migrate plan init}: a starting plan from an inventory. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Write a starting plan from an inventory: every VM, network/storage/GPU maps pre-filled,"
                + " with a comment explaining each derived GPU resource name.",
        footer = {"", "Exit codes: 0 written, 2 usage (also --out exists without --force), 3 invalid inventory,"
                + " 6 I/O error."})
final class PlanInitCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    DebugOption debug;

    @Option(names = "--from", required = true, paramLabel = "INVENTORY", description = "Inventory file (JSON/YAML).")
    Path from;

    @Option(names = "--out", paramLabel = "PLAN", description = "Write the plan here (else stdout).")
    Path out;

    @Option(names = "--name", paramLabel = "NAME", description = "Plan name (default: the --out file name).")
    String name;

    @Option(names = "--force", description = "Replace an existing --out file.")
    boolean force;

    @Override
    public Integer call() {
        Inventory inv = InventoryCodec.read(from);
        Path dir = out == null ? Path.of("").toAbsolutePath() : out.toAbsolutePath().getParent();
        String planName = name != null ? name : out == null ? "plan"
                : out.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        String yaml = PlanInit.yaml(inv, dir, planName);
        // What init writes must read back: never hand the user a plan the reader rejects.
        PlanReader.parse(yaml, "generated plan");
        if (out == null) {
            spec.commandLine().getOut().print(yaml);
            spec.commandLine().getOut().flush();
            return 0;
        }
        if (Files.exists(out) && !force) {
            throw new KvMigrateException(dev.kvmigrate.common.ExitCode.USAGE, "plan " + out + " exists; pass"
                    + " --force to replace it, or choose another --out");
        }
        AtomicFile.write(out, yaml);
        spec.commandLine().getErr().println("kv-migrate: wrote plan " + out + " with " + inv.vms().size()
                + " VM(s); review it, then `kv-migrate plan validate " + out + "`");
        spec.commandLine().getErr().flush();
        return 0;
    }
}
