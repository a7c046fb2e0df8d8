package dev.kvmigrate.plans.model;

import java.util.Objects;
import java.util.Optional;

/** Hooks run for every VM (a VM override may replace either). */
public record Hooks(Optional<Hook> pre, Optional<Hook> post) {
    public static final Hooks NONE = new Hooks(Optional.empty(), Optional.empty());

    public Hooks {
        pre = Objects.requireNonNullElse(pre, Optional.empty());
        post = Objects.requireNonNullElse(post, Optional.empty());
    }
}
