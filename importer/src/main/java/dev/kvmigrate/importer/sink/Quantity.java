package dev.kvmigrate.importer.sink;

/**
 * Storage requests written as Kubernetes quantities. Reading a quantity is {@link dev.kvmigrate.common.Quantities}'
 * job (what people type) or fabric8's {@code Quantity.getAmountInBytes} (what the cluster holds).
 */
public final class Quantity {
    private Quantity() {}

    /** A quantity for {@code bytes}: whole Gi or Mi when exact, else bytes. */
    public static String of(long bytes) {
        if (bytes > 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "Gi";
        }
        if (bytes > 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "Mi";
        }
        return Long.toString(bytes);
    }

    /** {@code bytes} rounded up to a whole MiB. */
    public static long roundUpMi(long bytes) {
        long mi = 1L << 20;
        return (bytes + mi - 1) / mi * mi;
    }
}
