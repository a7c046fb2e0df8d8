package dev.kvmigrate.inventory.model;

import java.util.Objects;
import java.util.Optional;

/**
 * A virtual TPM.
 *
 * @param model {@code tpm-crb}, {@code tpm-tis}, …
 * @param backend {@code emulator} (software, state on the host) or {@code passthrough}
 * @param version TPM version ({@code 2.0}), when set
 */
public record Tpm(String model, String backend, Optional<String> version) {
    public Tpm {
        model = Objects.requireNonNullElse(model, "tpm-tis");
        backend = Objects.requireNonNullElse(backend, "emulator");
        version = Objects.requireNonNullElse(version, Optional.empty());
    }
}
