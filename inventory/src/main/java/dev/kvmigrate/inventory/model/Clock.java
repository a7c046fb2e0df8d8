package dev.kvmigrate.inventory.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Guest clock.
 *
 * @param offset {@code utc}, {@code localtime}, {@code timezone}, {@code variable}
 * @param timezone IANA or Windows time zone name, when the source sets one
 * @param timers timers present, by name ({@code hypervclock}, {@code rtc}, …)
 */
public record Clock(String offset, Optional<String> timezone, List<String> timers) {
    public static final Clock UTC = new Clock("utc", Optional.empty(), List.of());

    public Clock {
        offset = Objects.requireNonNullElse(offset, "utc");
        timezone = Objects.requireNonNullElse(timezone, Optional.empty());
        timers = List.copyOf(Objects.requireNonNullElse(timers, List.of()));
    }
}
