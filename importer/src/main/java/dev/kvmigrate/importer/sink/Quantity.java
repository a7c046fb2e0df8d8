package dev.kvmigrate.importer.sink;

import dev.kvmigrate.common.KvMigrateException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes resource quantities (storage sizes) to and from bytes. */
public final class Quantity {
    private static final Pattern Q = Pattern.compile("^([0-9]+(?:\\.[0-9]+)?)([KMGTPE]i|[kMGTPE])?$");
    private static final Map<String, BigDecimal> FACTOR = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("k", BigDecimal.TEN.pow(3)), Map.entry("M", BigDecimal.TEN.pow(6)),
            Map.entry("G", BigDecimal.TEN.pow(9)), Map.entry("T", BigDecimal.TEN.pow(12)),
            Map.entry("P", BigDecimal.TEN.pow(15)), Map.entry("E", BigDecimal.TEN.pow(18)),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

    private Quantity() {}

    /** Bytes of a quantity such as {@code 10Gi}, {@code 1.5G} or {@code 1073741824}; rounds up. */
    public static long bytes(String quantity) {
        Matcher m = Q.matcher(quantity.trim());
        if (!m.matches()) {
            throw KvMigrateException.invalidInput("size '" + quantity + "' is not a Kubernetes quantity;"
                    + " write it like 20Gi, 500Mi or 10G", null);
        }
        BigDecimal factor = FACTOR.get(m.group(2) == null ? "" : m.group(2));
        return new BigDecimal(m.group(1)).multiply(factor).setScale(0, RoundingMode.CEILING).longValueExact();
    }

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
