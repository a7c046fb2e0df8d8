package dev.kvmigrate.cli;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.plans.model.LoadedPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --state-dir DIR}: where a plan's run state lives when not next to the plan file (a read-only plan). */
final class StateDirOption {
    @Option(names = "--state-dir", paramLabel = "DIR", description = "Keep the run's state (journal, report, cancel"
            + " request) in DIR instead of next to the plan file, e.g. for a plan on a read-only mount.")
    Path stateDir;

    /** {@code lp} with its state in the given directory (made when missing), or as it is. */
    LoadedPlan apply(LoadedPlan lp) {
        if (stateDir == null) {
            return lp;
        }
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw KvMigrateException.io("--state-dir " + stateDir + " cannot be made: " + e.getMessage()
                    + "; give a writable directory", e);
        }
        return lp.withStateDir(stateDir);
    }
}
