package dev.kvmigrate.inventory.ova;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DMTF programmatic units ({@code byte * 2^20}, {@code byte * 10^9}, {@code byte * 1024}) and the oVirt names
 * ({@code MegaBytes}, {@code GigaBytes}) as a byte multiplier.
 */
final class OvfUnits {
    private static final Pattern PROGRAMMATIC = Pattern.compile(
            "byte(?:s)?\\s*(?:\\*\\s*(\\d+)(?:\\s*\\^\\s*(\\d+))?)?(?:\\s*\\*\\s*(\\d+)(?:\\s*\\^\\s*(\\d+))?)?");

    private OvfUnits() {}

    /** The multiplier of a unit string; bytes when absent; empty when not understood. */
    static Optional<Long> multiplier(Optional<String> units) {
        if (units.isEmpty()) {
            return Optional.of(1L);
        }
        String u = units.get().trim().toLowerCase(Locale.ROOT);
        switch (u) {
            case "kilobytes", "kb", "kib":
                return Optional.of(1L << 10);
            case "megabytes", "mb", "mib":
                return Optional.of(1L << 20);
            case "gigabytes", "gb", "gib":
                return Optional.of(1L << 30);
            case "terabytes", "tb", "tib":
                return Optional.of(1L << 40);
            default:
                break;
        }
        Matcher m = PROGRAMMATIC.matcher(u);
        if (!m.matches()) {
            return Optional.empty();
        }
        BigInteger v = BigInteger.ONE.multiply(factor(u, m.group(1), m.group(2))).multiply(factor(u, m.group(3),
                m.group(4)));
        return v.bitLength() < 63 ? Optional.of(v.longValue()) : Optional.empty();
    }

    /**
     * {@code base^exp}; a base or exponent no exporter writes (base beyond 2^63, exponent beyond 1000) is an input
     * error, never an overflow; large but plausible products are left to the caller's range check.
     */
    private static BigInteger factor(String units, String base, String exp) {
        if (base == null) {
            return BigInteger.ONE;
        }
        BigInteger b = new BigInteger(base);
        BigInteger e = exp == null ? BigInteger.ONE : new BigInteger(exp);
        if (b.bitLength() > 63 || e.compareTo(BigInteger.valueOf(1000)) > 0) {
            throw dev.kvmigrate.common.KvMigrateException.invalidInput("OVF allocation units '" + units + "' are"
                    + " beyond any real size; the descriptor is corrupt or crafted: re-export the VM");
        }
        return b.compareTo(BigInteger.ONE) <= 0 ? b : b.pow(e.intValueExact());
    }

    /** quantity × units in bytes, when both are understood and the product fits. */
    static Optional<Long> bytes(Optional<String> quantity, Optional<String> units) {
        Optional<Long> q = quantity.flatMap(OvfUnits::parse);
        Optional<Long> mul = multiplier(units);
        if (q.isEmpty() || mul.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Math.multiplyExact(q.get(), mul.get()));
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }

    static Optional<Long> parse(String s) {
        try {
            long v = Long.parseLong(s.trim());
            return v < 0 ? Optional.empty() : Optional.of(v);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
