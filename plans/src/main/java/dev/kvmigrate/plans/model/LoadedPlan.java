package dev.kvmigrate.plans.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A plan with the file it came from: relative paths in the plan resolve against the file's directory, and the run's
 * state (journal, report, cancel request, dry-run output) lives next to it ({@code <plan>.journal}, …) unless a state
 * directory is given ({@code plan run --state-dir}: a plan read from a read-only place, such as a ConfigMap mounted
 * into a pod).
 */
public record LoadedPlan(MigrationPlan plan, Path file, Optional<Path> stateDir) {
    public LoadedPlan {
        Objects.requireNonNull(plan, "plan");
        file = file.toAbsolutePath().normalize();
        stateDir = stateDir.map(d -> d.toAbsolutePath().normalize());
    }

    public LoadedPlan(MigrationPlan plan, Path file) {
        this(plan, file, Optional.empty());
    }

    /** This plan with its run state in {@code dir}. */
    public LoadedPlan withStateDir(Path dir) {
        return new LoadedPlan(plan, file, Optional.of(dir));
    }

    /** {@code <plan file name><suffix>} in the state directory (by default the plan file's directory). */
    public Path stateFile(String suffix) {
        return stateDir.orElse(baseDir()).resolve(file.getFileName() + suffix);
    }

    public Path baseDir() {
        Path parent = file.getParent();
        return parent == null ? Path.of("/") : parent;
    }

    /** A path from the plan, resolved against the plan file's directory unless absolute. */
    public Path resolve(String path) {
        return baseDir().resolve(path).normalize();
    }

    public Path journal() {
        return stateFile(".journal");
    }

    /** The directory target, resolved; only for {@code dir:} targets. */
    public Path targetDir() {
        return resolve(plan.target().dir().orElseThrow(() -> new IllegalStateException("not a dir: target")));
    }
}
