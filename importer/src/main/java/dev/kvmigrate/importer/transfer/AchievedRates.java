package dev.kvmigrate.importer.transfer;

import java.util.Map;
import java.util.TreeMap;

/**
 * The rate of disk data (input bytes per second) each level achieved over the periods it was chosen for, as the
 * upload went: what {@link LevelChooser#checked} weighs the model's choice against. Pure and immutable: the caller
 * measures a period, {@link #after} records it.
 *
 * <p>The model ({@link LevelChooser#choose}) takes the link as fixed and the compressing threads' cores as free. Where
 * the receiver shares the sender's few cores, neither holds: a receiver that stalls for a moment looks like a slow link,
 * and compressing then takes the CPU the receiver needs, so it drains slower still and compression looks right
 * (bench/link at 10 Gbit on two cores, a 4 GiB image: runs that went zstd1 for 65-72 % of the data after one such
 * stall took 7.6-8.1 s, runs that went stored for 86-95 % 4.7-5.6 s). What each level achieved is not fooled by
 * either.
 *
 * @param byLevel per level, the last achieved rate (blended with the one before while that was recent) and when
 */
record AchievedRates(Map<Integer, Achieved> byLevel) {
    /** How long an achieved rate counts: content and links change, and a level shown slow is tried again later. */
    static final long VALID_NANOS = 5_000_000_000L;
    /** Input a period needs to count: less is a moment, not a rate. */
    static final long MIN_INPUT = 8L << 20;

    static final AchievedRates NONE = new AchievedRates(Map.of());

    /** One level's achieved rate, in input bytes per second, measured at {@code at} (nanoTime). */
    record Achieved(double rate, long at) {}

    AchievedRates {
        byLevel = Map.copyOf(byLevel);
    }

    /**
     * The rates after {@code level} moved {@code inputBytes} of data in {@code periodNanos}, ending at {@code now}. A
     * period under {@link #MIN_INPUT} changes nothing; a rate still valid is averaged with the new one (one stall is
     * not the level's rate).
     */
    AchievedRates after(int level, long inputBytes, long periodNanos, long now) {
        if (inputBytes < MIN_INPUT || periodNanos <= 0) {
            return this;
        }
        double rate = inputBytes * 1e9 / periodNanos;
        Achieved before = byLevel.get(level);
        if (before != null && now - before.at() <= VALID_NANOS) {
            rate = (rate + before.rate()) / 2;
        }
        Map<Integer, Achieved> next = new TreeMap<>(byLevel);
        next.put(level, new Achieved(rate, now));
        return new AchievedRates(next);
    }

    /** The rates still valid at {@code now}, by level. */
    Map<Integer, Double> recent(long now) {
        Map<Integer, Double> r = new TreeMap<>();
        byLevel.forEach((level, a) -> {
            if (now - a.at() <= VALID_NANOS) {
                r.put(level, a.rate());
            }
        });
        return r;
    }
}
