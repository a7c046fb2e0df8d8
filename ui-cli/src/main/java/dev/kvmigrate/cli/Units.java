package dev.kvmigrate.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Human byte counts, and the converter for {@code --wait}. Sizes and rates ({@code --size}, {@code --limit-rate})
 * are read by {@link dev.kvmigrate.common.Quantities}.
 */
final class Units {
    private static final Pattern DURATION = Pattern.compile("^(\\d+)(ms|s|m|h)$");

    private Units() {}

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    /** {@code 90s}, {@code 10m}, {@code 2h}, {@code 500ms}, or ISO-8601 ({@code PT10M}). */
    static final class Wait implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Matcher m = DURATION.matcher(value.trim());
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            try {
                return Duration.parse(value.trim());
            } catch (java.time.format.DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not a duration; write it like 90s, 10m or 2h");
            }
        }
    }
}
