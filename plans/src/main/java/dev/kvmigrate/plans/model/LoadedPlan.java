package dev.kvmigrate.plans.model;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A plan with the file it came from: relative paths in the plan resolve against the file's directory, and the
 * journal lives next to it ({@code <plan>.journal}).
 */
public record LoadedPlan(MigrationPlan plan, Path file) {
    public LoadedPlan {
        Objects.requireNonNull(plan, "plan");
        file = file.toAbsolutePath().normalize();
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
        return file.resolveSibling(file.getFileName() + ".journal");
    }

    /** The directory target, resolved; only for {@code dir:} targets. */
    public Path targetDir() {
        return resolve(plan.target().dir().orElseThrow(() -> new IllegalStateException("not a dir: target")));
    }
}
