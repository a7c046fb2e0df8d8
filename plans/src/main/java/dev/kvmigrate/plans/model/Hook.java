package dev.kvmigrate.plans.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A step run before or after a VM's migration: a local command, or a Kubernetes Job running an image (cluster
 * targets only). The VM's source name, target name and the plan name reach it as the environment variables
 * {@code KV_MIGRATE_VM}, {@code KV_MIGRATE_TARGET_NAME}, {@code KV_MIGRATE_PLAN}.
 *
 * @param command argv of a local command, run in the plan file's directory
 * @param image container image of a Job
 * @param args the Job container's args
 * @param timeout how long it may run ({@code 10m}); default 10 minutes
 */
public record Hook(List<String> command, Optional<String> image, List<String> args, Optional<String> timeout) {
    public Hook {
        command = List.copyOf(Objects.requireNonNullElse(command, List.of()));
        image = Objects.requireNonNullElse(image, Optional.empty());
        args = List.copyOf(Objects.requireNonNullElse(args, List.of()));
        timeout = Objects.requireNonNullElse(timeout, Optional.empty());
        if (command.isEmpty() == image.isEmpty()) {
            throw new IllegalArgumentException("a hook needs exactly one of command (argv list) or image");
        }
        if (!args.isEmpty() && image.isEmpty()) {
            throw new IllegalArgumentException("hook args go with image; a command hook puts them in command");
        }
        timeout.ifPresent(t -> Durations.parse(t, "hook timeout"));
    }

    public boolean isLocal() {
        return !command.isEmpty();
    }

    public java.time.Duration timeoutOrDefault() {
        return timeout.map(t -> Durations.parse(t, "hook timeout")).orElse(java.time.Duration.ofMinutes(10));
    }
}
