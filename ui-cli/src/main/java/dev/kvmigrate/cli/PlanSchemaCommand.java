package dev.kvmigrate.cli;

import dev.kvmigrate.plans.model.PlanSchema;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code kv-migrate plan schema}: the plan file's JSON schema, for editors and CI checks. */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Print the JSON schema (draft-07) of plan files, e.g. for an editor's YAML language server.")
final class PlanSchemaCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.print(PlanSchema.json());
        out.flush();
        return 0;
    }
}
