package dev.kvmigrate.importer.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AchievedRatesTest {
    static final long MIB = 1 << 20;
    static final long SECOND = 1_000_000_000L;

    @Test
    void aPeriodRecordsItsLevelsRate() {
        AchievedRates r = AchievedRates.NONE.after(LevelChooser.STORED, 100 * MIB, SECOND / 2, SECOND);
        assertThat(r.recent(SECOND)).containsOnlyKeys(LevelChooser.STORED);
        assertThat(r.recent(SECOND).get(LevelChooser.STORED)).isCloseTo(200.0 * MIB, within(1.0));
    }

    @Test
    void aShortPeriodSaysNothing() {
        AchievedRates r = AchievedRates.NONE.after(1, AchievedRates.MIN_INPUT - 1, SECOND / 100, SECOND);
        assertThat(r).isSameAs(AchievedRates.NONE);
        assertThat(AchievedRates.NONE.after(1, 100 * MIB, 0, SECOND)).isSameAs(AchievedRates.NONE);
    }

    @Test
    void aRecentRateIsAveragedWithTheNextSoOneStallIsNotTheLevelsRate() {
        AchievedRates r = AchievedRates.NONE.after(LevelChooser.STORED, 800 * MIB, SECOND, SECOND)
                .after(LevelChooser.STORED, 100 * MIB, SECOND, 2 * SECOND);
        assertThat(r.recent(2 * SECOND).get(LevelChooser.STORED)).isCloseTo(450.0 * MIB, within(1.0));
    }

    @Test
    void anOldRateIsReplacedNotAveragedAndExpires() {
        long late = SECOND + AchievedRates.VALID_NANOS + 1;
        AchievedRates r = AchievedRates.NONE.after(1, 300 * MIB, SECOND, SECOND);
        assertThat(r.recent(late)).isEmpty();
        AchievedRates again = r.after(1, 100 * MIB, SECOND, late);
        assertThat(again.recent(late).get(1)).isCloseTo(100.0 * MIB, within(1.0));
    }

    @Test
    void levelsAreKeptApart() {
        AchievedRates r = AchievedRates.NONE.after(LevelChooser.STORED, 700 * MIB, SECOND, SECOND)
                .after(1, 300 * MIB, SECOND, 2 * SECOND);
        assertThat(r.recent(2 * SECOND)).containsOnlyKeys(LevelChooser.STORED, 1);
        assertThat(r.recent(SECOND + AchievedRates.VALID_NANOS + 1)).containsOnlyKeys(1);
    }
}
