package dev.kvmigrate.converter;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes quantities for byte sizes: parse {@code 200Gi}/{@code 5G}/{@code 1024}, format bytes exactly. */
public final class Quantity {
    public static final long MIB = 1L << 20;
    private static final Pattern FORM = Pattern.compile("([0-9]+)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?");
    private static final String[] BINARY = {"Pi", "Ti", "Gi", "Mi", "Ki"};

    private Quantity() {}

    /** Bytes of a whole-number quantity; throws IllegalArgumentException naming the value otherwise. */
    public static long parseBytes(String quantity) {
        Matcher m = FORM.matcher(quantity.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("size '" + quantity + "' is not a whole quantity such as 200Gi");
        }
        long n = Long.parseLong(m.group(1));
        String suffix = m.group(2) == null ? "" : m.group(2);
        long unit = switch (suffix) {
            case "Ki" -> 1L << 10;
            case "Mi" -> 1L << 20;
            case "Gi" -> 1L << 30;
            case "Ti" -> 1L << 40;
            case "Pi" -> 1L << 50;
            case "k" -> 1_000L;
            case "M" -> 1_000_000L;
            case "G" -> 1_000_000_000L;
            case "T" -> 1_000_000_000_000L;
            case "P" -> 1_000_000_000_000_000L;
            default -> 1L;
        };
        return Math.multiplyExact(n, unit);
    }

    /** The largest binary unit that divides {@code bytes} exactly: 17179869184 → {@code 16Gi}. */
    public static String format(long bytes) {
        if (bytes > 0) {
            for (int i = 0; i < BINARY.length; i++) {
                long unit = 1L << (10 * (5 - i));
                if (bytes % unit == 0) {
                    return (bytes / unit) + BINARY[i];
                }
            }
        }
        return Long.toString(bytes);
    }

    /** {@code bytes} rounded up to a whole MiB. */
    public static long roundUpToMib(long bytes) {
        return (bytes / MIB + (bytes % MIB == 0 ? 0 : 1)) * MIB;
    }
}
