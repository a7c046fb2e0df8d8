package dev.kvmigrate.common;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reader of byte sizes and byte rates that people write: command-line options ({@code --size},
 * {@code --limit-rate}) and file fields (plan {@code options.bandwidth}, mappings {@code size:}). The suffixes
 * mean what they mean in Kubernetes resource quantities:
 *
 * <table>
 * <caption>Suffixes</caption>
 * <tr><th>suffix</th><th>factor</th><th>example</th></tr>
 * <tr><td>none</td><td>1 (bytes)</td><td>{@code 4096}</td></tr>
 * <tr><td>{@code k M G T P E}</td><td>10<sup>3</sup> … 10<sup>18</sup></td><td>{@code 100M} = 100,000,000</td></tr>
 * <tr><td>{@code Ki Mi Gi Ti Pi Ei}</td><td>2<sup>10</sup> … 2<sup>60</sup></td><td>{@code 100Mi} = 104,857,600
 * </td></tr>
 * </table>
 *
 * <p>The number is whole or decimal ({@code 1.5Gi}); a decimal whose value is not a whole number of bytes
 * ({@code 0.1k} is exact, {@code 1.1} is not) is <b>rounded up</b> to the next byte. Suffixes are case-sensitive as
 * in Kubernetes ({@code k} but {@code Ki}; {@code m} would be milli and is refused, as are {@code MB}, {@code MiB}
 * and spaces). Negative values and values above {@link Long#MAX_VALUE} bytes (just under {@code 8Ei}) are refused.
 * A rate is a size per second, optionally written with {@code /s}: {@code 100M} and {@code 100M/s} are both
 * 100,000,000 bytes per second.
 *
 * <p>Every refusal is a {@link KvMigrateException#invalidInput(String)} naming the option or field, the text and
 * a valid example.
 */
public final class Quantities {
    private static final Pattern FORM = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?");
    private static final Map<String, BigDecimal> FACTOR = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("k", BigDecimal.TEN.pow(3)), Map.entry("M", BigDecimal.TEN.pow(6)),
            Map.entry("G", BigDecimal.TEN.pow(9)), Map.entry("T", BigDecimal.TEN.pow(12)),
            Map.entry("P", BigDecimal.TEN.pow(15)), Map.entry("E", BigDecimal.TEN.pow(18)),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)));
    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final String SUFFIXES = "suffixes k, M, G, T, P, E (powers of 1000) and Ki, Mi, Gi, Ti, Pi, Ei"
            + " (powers of 1024)";
    /** A unit letter in the wrong case or with a trailing B: {@code 100m}, {@code 1g}, {@code 10K}, {@code 5MB}. */
    private static final Pattern NEAR_MISS = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([kKmMgGtTpPE])(i?)[bB]?");

    private Quantities() {}

    /**
     * Bytes of a size such as {@code 20Gi}, {@code 1.5G}, {@code 500M} or {@code 1073741824}; zero is allowed.
     * A fractional number of bytes is rounded up.
     *
     * @param field the option or field the text came from, for the message ({@code "--size"}, {@code "disks.x.size"})
     * @throws KvMigrateException (invalid input) naming {@code field}, the text and an example when the text is not
     *     a size, is negative or exceeds {@link Long#MAX_VALUE} bytes
     */
    public static long bytes(String text, String field) {
        return parse(text, field, "size", "20Gi");
    }

    /**
     * Bytes per second of a rate such as {@code 100M} (10<sup>8</sup>), {@code 100Mi} (100·2<sup>20</sup>) or
     * {@code 1.5Gi/s}; the {@code /s} is optional. Must be more than zero; a fractional number of bytes is rounded
     * up.
     *
     * @param field the option or field the text came from ({@code "--limit-rate"}, {@code "options.bandwidth"})
     * @throws KvMigrateException (invalid input) naming {@code field}, the text and an example when the text is not
     *     a rate, is zero or negative, or exceeds {@link Long#MAX_VALUE} bytes per second
     */
    public static long bytesPerSecond(String text, String field) {
        String t = text == null ? null : text.strip();
        String number = t != null && t.endsWith("/s") ? t.substring(0, t.length() - 2).strip() : t;
        long v = parse(number, field, "rate", "100M (10^8 bytes/s) or 100Mi/s", text);
        if (v == 0) {
            throw KvMigrateException.invalidInput(field + " '" + text + "' must be more than zero; write a rate such"
                    + " as 100M (10^8 bytes/s) or 100Mi/s, or leave it out for no limit");
        }
        return v;
    }

    private static long parse(String text, String field, String what, String example) {
        return parse(text == null ? null : text.strip(), field, what, example, text);
    }

    /** {@code text} is what is parsed, {@code original} what the person wrote (for messages). */
    private static long parse(String text, String field, String what, String example, String original) {
        if (original == null || original.isBlank()) {
            throw KvMigrateException.invalidInput(field + " is empty; write a " + what + " such as " + example);
        }
        if (text.startsWith("-")) {
            throw KvMigrateException.invalidInput(field + " '" + original + "' is negative; write a " + what
                    + " such as " + example);
        }
        Matcher m = FORM.matcher(text.startsWith("+") ? text.substring(1) : text);
        if (!m.matches()) {
            throw KvMigrateException.invalidInput(field + " '" + original + "' is not a " + what + hint(text)
                    + "; write a number with one of the " + SUFFIXES + ", e.g. " + example);
        }
        BigDecimal value = new BigDecimal(m.group(1)).multiply(FACTOR.get(m.group(2) == null ? "" : m.group(2)))
                .setScale(0, RoundingMode.CEILING);
        if (value.compareTo(MAX) > 0) {
            throw KvMigrateException.invalidInput(field + " '" + original + "' is too large: the largest " + what
                    + " is " + Long.MAX_VALUE + " bytes" + (what.equals("rate") ? " per second" : "")
                    + " (just under 8Ei); write e.g. " + example);
        }
        return value.longValueExact();
    }

    /** What was probably meant, for the common slips ({@code 100MB}, {@code 1g}, {@code 100m}); else empty. */
    private static String hint(String text) {
        Matcher m = NEAR_MISS.matcher(text);
        if (!m.matches()) {
            return "";
        }
        String upper = m.group(2).toUpperCase(Locale.ROOT);
        String decimal = m.group(1) + (upper.equals("K") ? "k" : upper);
        String binary = m.group(1) + upper + "i";
        return " (did you mean " + decimal + " or " + binary + "? suffixes are case-sensitive and have no B)";
    }
}
