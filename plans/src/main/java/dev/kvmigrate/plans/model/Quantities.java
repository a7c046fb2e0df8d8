package dev.kvmigrate.plans.model;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte quantities in plans: {@code 100M}, {@code 1Gi}, {@code 500k}, plain bytes. */
public final class Quantities {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)([kKMGT]i?)?");
    private static final Map<String, Long> UNITS = Map.of("k", 1000L, "K", 1000L, "M", 1000_000L,
            "G", 1000_000_000L, "T", 1000_000_000_000L, "Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30,
            "Ti", 1L << 40);

    private Quantities() {}

    public static long bytes(String text, String field) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches() || (m.group(2) != null && !UNITS.containsKey(m.group(2)))) {
            throw new IllegalArgumentException(field + " '" + text + "' is not a byte quantity such as 100M or 1Gi");
        }
        BigDecimal n = new BigDecimal(m.group(1));
        long unit = m.group(2) == null ? 1 : UNITS.get(m.group(2));
        long v = n.multiply(BigDecimal.valueOf(unit)).longValue();
        if (v <= 0) {
            throw new IllegalArgumentException(field + " '" + text + "' must be more than zero");
        }
        return v;
    }
}
