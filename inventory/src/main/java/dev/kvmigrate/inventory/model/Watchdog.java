package dev.kvmigrate.inventory.model;

import java.util.Objects;

/** A watchdog device: model ({@code i6300esb}, {@code itco}) and action ({@code reset}, {@code poweroff}, …). */
public record Watchdog(String model, String action) {
    public Watchdog {
        Objects.requireNonNull(model, "model");
        action = Objects.requireNonNullElse(action, "reset");
    }
}
