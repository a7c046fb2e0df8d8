package dev.kvmigrate.cli;

import picocli.CommandLine.Command;

/** {@code kv-migrate plan …}: plan files and batch runs. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Plan files and batch migrations: init from an inventory, validate, run (resumable), status,"
                + " cancel, cleanup, coordinate, schema.",
        subcommands = {PlanInitCommand.class, PlanValidateCommand.class, PlanRunCommand.class,
            PlanStatusCommand.class, PlanCancelCommand.class, PlanCleanupCommand.class, PlanCoordinateCommand.class,
            PlanSchemaCommand.class,
            PlanExampleDisksCommand.class})
final class PlanCommand {}
