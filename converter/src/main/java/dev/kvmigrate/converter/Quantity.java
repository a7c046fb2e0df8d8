package dev.kvmigrate.converter;

/** Kubernetes quantities for byte sizes: format bytes exactly (parsing is {@link dev.kvmigrate.common.Quantities}). */
public final class Quantity {
    public static final long MIB = 1L << 20;
    private static final String[] BINARY = {"Pi", "Ti", "Gi", "Mi", "Ki"};

    private Quantity() {}

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
