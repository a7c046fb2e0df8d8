package dev.kvmigrate.inventory.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Something about a VM that affects its migration.
 *
 * @param severity how much it matters
 * @param code stable code ({@code GPU_MDEV_MISSING}); listed with meanings in {@code docs/concerns.md}
 * @param message human sentence naming the object and, where one exists, the fix
 * @param field the model field concerned ({@code gpus[0]}, {@code disks[1].bus}), when there is one
 */
public record Concern(Severity severity, String code, String message, Optional<String> field) {
    public Concern {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        field = Objects.requireNonNullElse(field, Optional.empty());
    }
}
