package dev.kvmigrate.importer.transfer;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Picks the zstd level for the next chunk of data from what was measured: the link rate and, per level, the
 * compression speed and ratio on this disk's own data. Pure: no clocks, no threads.
 *
 * <p>The rule: a level {@code L} delivers disk data at
 * <pre>  effective(L) = min(speed(L) × cores, link / ratio(L))</pre>
 * where {@code speed(L)} is input bytes per second one core compresses at {@code L}, {@code cores} the threads
 * compressing in parallel, {@code ratio(L)} wire bytes per input byte and {@code link} the wire bytes per second the
 * upload can move. Level {@link #STORED} (data in zstd Raw_Blocks, no compression CPU) has ratio 1 and no CPU limit.
 * The level with the highest effective rate wins; a heavier level must beat the best lighter one by
 * {@link #MARGIN} to be taken, so noise does not buy CPU for nothing. So: a slow link and compressible data pick a
 * higher level, a fast link with weak CPUs picks a light level or none, incompressible data picks none.
 * Until the link has been measured, {@link #FIRST} is used (cheap, and rarely a loss).
 */
public final class LevelChooser {
    /** The pseudo-level for "stored": data goes uncompressed (Raw_Blocks), holes still as RLE. */
    public static final int STORED = 0;
    /** The level before the link is known. */
    public static final int FIRST = 1;
    /** How much faster a heavier level must be than the best lighter one. */
    public static final double MARGIN = 1.05;

    /** What one level did on this disk's data. */
    public record Measure(double bytesPerSecondPerCore, double ratio) {
        public Measure {
            if (!(bytesPerSecondPerCore > 0) || !(ratio > 0)) {
                throw new IllegalArgumentException("speed and ratio must be positive: " + bytesPerSecondPerCore
                        + ", " + ratio);
            }
        }
    }

    private LevelChooser() {}

    /** The data rate (input bytes per second) {@code m} would deliver on {@code link} with {@code cores}. */
    public static double effective(Measure m, int cores, double link) {
        return Math.min(m.bytesPerSecondPerCore() * cores, link / m.ratio());
    }

    /**
     * The level to use next.
     *
     * @param link measured wire bytes per second; empty before any measurement
     * @param measures per zstd level (1…22) the speed and ratio seen; levels without a measure are not considered
     * @param cores threads compressing in parallel (at least 1)
     * @return a zstd level, or {@link #STORED}
     */
    public static int choose(OptionalDouble link, Map<Integer, Measure> measures, int cores) {
        if (link.isEmpty()) {
            return FIRST;
        }
        double rate = link.getAsDouble();
        int best = STORED;
        double bestRate = rate; // stored: ratio 1, no CPU bound
        SortedMap<Integer, Measure> byLevel = new TreeMap<>(measures);
        for (Map.Entry<Integer, Measure> e : byLevel.entrySet()) {
            if (e.getKey() <= STORED) {
                continue;
            }
            double r = effective(e.getValue(), Math.max(1, cores), rate);
            if (r > bestRate * MARGIN) {
                best = e.getKey();
                bestRate = r;
            }
        }
        return best;
    }

    /**
     * The model's choice checked against what the levels achieved ({@link AchievedRates}): a compressing level is
     * taken only while some level up to it (a heavier level compresses slower than a lighter one that already lost)
     * recently moved more data than stored did, by {@link #MARGIN}, as {@link #choose} asks of a heavier level: where
     * the two move the same, compressing only spends CPU, the sender's and the receiver's. Without such rates the
     * model's choice stands: that is how a level gets tried.
     *
     * @param model the level {@link #choose} picked
     * @param achieved input bytes per second per level, recent ones only
     */
    public static int checked(int model, Map<Integer, Double> achieved) {
        Double stored = achieved.get(STORED);
        if (model == STORED || stored == null) {
            return model;
        }
        double best = achieved.entrySet().stream().filter(e -> e.getKey() > STORED && e.getKey() <= model)
                .mapToDouble(Map.Entry::getValue).max().orElse(Double.NaN);
        return !Double.isNaN(best) && best < stored * MARGIN ? STORED : model;
    }

    /**
     * The levels worth probing: all {@code candidates}, except while data goes stored over a measured link, when a
     * level whose last measured speed on all workers cannot exceed the link by {@link #MARGIN} is skipped (heavier
     * levels are slower, so such a level cannot beat stored: its probe would only burn the CPU the fast link
     * needs). The lightest candidate is always probed: it is cheap and keeps the measure of the content current.
     * Once a compressing level is chosen again, every candidate is probed again.
     *
     * @param link measured wire bytes per second; empty while not measured (or only optimistic)
     */
    public static int[] probeLevels(int level, OptionalDouble link, Map<Integer, Measure> last, int workers,
            int[] candidates) {
        if (level != STORED || link.isEmpty()) {
            return candidates;
        }
        double rate = link.getAsDouble();
        return java.util.Arrays.stream(candidates).filter(l -> {
            Measure m = last.get(l);
            return l == candidates[0] || m == null || m.bytesPerSecondPerCore() * workers > rate * MARGIN;
        }).toArray();
    }

    /** Per level its speed and ratio, for a log line. */
    static String describe(Map<Integer, Measure> seen) {
        return new TreeMap<>(seen).entrySet().stream().map(e -> String.format(Locale.ROOT,
                "zstd%d %.0f MB/s ratio %.3f", e.getKey(), e.getValue().bytesPerSecondPerCore() / 1e6,
                e.getValue().ratio())).collect(Collectors.joining(", "));
    }

    /** Per level a rate in bytes per second, for a log line. */
    static String describeRates(Map<Integer, Double> rates) {
        return new TreeMap<>(rates).entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.0f MB/s",
                label(e.getKey()), e.getValue() / 1e6)).collect(Collectors.joining(", "));
    }

    /** {@code none} for {@link #STORED}, else {@code zstdN}. */
    public static String label(int level) {
        return level == STORED ? "none" : "zstd" + level;
    }
}
