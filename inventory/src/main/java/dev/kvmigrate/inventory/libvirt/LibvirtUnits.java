package dev.kvmigrate.inventory.libvirt;

import java.util.Locale;
import java.util.Optional;

/**
 * libvirt's scaled integers ({@code <memory unit='GiB'>16</memory>}, {@code <page size='1' unit='G'/>}).
 * Units per the libvirt domain format: {@code b}/{@code bytes}; {@code KB}, {@code MB}, {@code GB}, {@code TB}
 * (powers of 1000); {@code k}/{@code KiB}, {@code M}/{@code MiB}, {@code G}/{@code GiB}, {@code T}/{@code TiB}
 * (powers of 1024). The default unit is KiB.
 */
final class LibvirtUnits {
    private LibvirtUnits() {}

    /** Multiplier of a unit, or empty when the unit is not one libvirt knows. */
    static Optional<Long> multiplier(String unit) {
        if (unit == null || unit.isBlank()) {
            return Optional.of(1024L);
        }
        return switch (unit.trim()) {
            case "b", "bytes" -> Optional.of(1L);
            case "KB" -> Optional.of(1000L);
            case "k", "K", "KiB" -> Optional.of(1L << 10);
            case "MB" -> Optional.of(1000L * 1000);
            case "M", "MiB" -> Optional.of(1L << 20);
            case "GB" -> Optional.of(1000L * 1000 * 1000);
            case "G", "GiB" -> Optional.of(1L << 30);
            case "TB" -> Optional.of(1000L * 1000 * 1000 * 1000);
            case "T", "TiB" -> Optional.of(1L << 40);
            case "PB" -> Optional.of(1000L * 1000 * 1000 * 1000 * 1000);
            case "P", "PiB" -> Optional.of(1L << 50);
            default -> Optional.empty();
        };
    }

    /**
     * Bytes of {@code value} in {@code unit}.
     *
     * @throws IllegalArgumentException naming the problem when the number or unit is unusable or it overflows
     */
    static long bytes(String value, String unit) {
        long mult = multiplier(unit).orElseThrow(() -> new IllegalArgumentException(
                "unknown unit '" + unit + "' (libvirt units: b, KB, KiB, MB, MiB, GB, GiB, TB, TiB)"));
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a whole number");
        }
        if (n < 0) {
            throw new IllegalArgumentException("size " + value + " " + unitName(unit) + " is negative");
        }
        try {
            return Math.multiplyExact(n, mult);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("size " + value + " " + unitName(unit) + " is too large");
        }
    }

    private static String unitName(String unit) {
        return unit == null || unit.isBlank() ? "KiB" : unit;
    }
}
