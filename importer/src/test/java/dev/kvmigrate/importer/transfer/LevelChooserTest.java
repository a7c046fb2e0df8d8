package dev.kvmigrate.importer.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.importer.transfer.LevelChooser.Measure;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class LevelChooserTest {
    static final double MB = 1e6;
    /** Speeds and ratios like those measured on an ext4 image of /usr (one core). */
    static final Map<Integer, Measure> OS_DISK = Map.of(
            1, new Measure(450 * MB, 0.42),
            3, new Measure(170 * MB, 0.38),
            6, new Measure(60 * MB, 0.35));

    static int choose(double linkMb, Map<Integer, Measure> m, int cores) {
        return LevelChooser.choose(OptionalDouble.of(linkMb * MB), m, cores);
    }

    @Test
    void fastLinkWithSlowCpuSendsDataStored() {
        // 10 Gbit, one core at 450 MB/s: compressing would halve the rate
        assertThat(choose(1200, OS_DISK, 1)).isEqualTo(LevelChooser.STORED);
    }

    @Test
    void slowLinkTakesAHeavierLevel() {
        // 100 Mbit: every level outruns the link, the best ratio wins
        assertThat(choose(12.5, OS_DISK, 1)).isEqualTo(6);
        assertThat(choose(50, OS_DISK, 1)).isEqualTo(3);
    }

    @Test
    void midLinkTakesALightLevel() {
        // 1 Gbit: level 1 gives 125/0.42 = 298 MB/s, level 3 is capped by its 170 MB/s
        assertThat(choose(125, OS_DISK, 1)).isEqualTo(1);
        // with four cores level 3 is no longer CPU-bound: 125/0.38 = 329 MB/s beats 298 by more than the margin
        assertThat(choose(125, OS_DISK, 4)).isEqualTo(3);
    }

    @Test
    void incompressibleDataGoesStoredWhateverTheLink() {
        Map<Integer, Measure> random = Map.of(1, new Measure(800 * MB, 1.0001), 3, new Measure(300 * MB, 1.0001));
        assertThat(choose(12.5, random, 1)).isEqualTo(LevelChooser.STORED);
        assertThat(choose(1200, random, 8)).isEqualTo(LevelChooser.STORED);
    }

    @Test
    void aHeavierLevelMustBeatTheMarginToBeTaken() {
        // level 3 would be 2 % faster than level 1: not worth the CPU
        Map<Integer, Measure> close = Map.of(1, new Measure(1000 * MB, 0.50), 3, new Measure(1000 * MB, 0.49));
        assertThat(choose(100, close, 1)).isEqualTo(1);
    }

    @Test
    void beforeTheLinkIsMeasuredTheFirstLevelIsUsed() {
        assertThat(LevelChooser.choose(OptionalDouble.empty(), OS_DISK, 1)).isEqualTo(LevelChooser.FIRST);
        assertThat(LevelChooser.choose(OptionalDouble.of(125 * MB), Map.of(), 1)).isEqualTo(LevelChooser.STORED);
    }

    @Test
    void effectiveRateIsTheSlowerOfCpuAndLink() {
        Measure m = new Measure(200 * MB, 0.5);
        assertThat(LevelChooser.effective(m, 2, 100 * MB)).isEqualTo(200 * MB);
        assertThat(LevelChooser.effective(m, 1, 1000 * MB)).isEqualTo(200 * MB);
        assertThat(LevelChooser.label(0)).isEqualTo("none");
        assertThat(LevelChooser.label(3)).isEqualTo("zstd3");
        assertThatThrownBy(() -> new Measure(0, 0.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whileStoredOnAFastLinkOnlyLevelsThatCouldBeatItAreProbed() {
        Map<Integer, Measure> measured = Map.of(
                1, new Measure(400e6, 0.35), 3, new Measure(200e6, 0.3),
                6, new Measure(100e6, 0.28));
        OptionalDouble fast = OptionalDouble.of(800e6);
        // one worker: no level reaches 800 MB/s, only the cheap lightest one keeps being measured
        assertThat(probe(LevelChooser.STORED, fast, measured, 1)).containsExactly(1);
        // eight workers: 8 x 200 MB/s could outrun the link, 8 x 100 MB/s cannot beat it by the margin
        assertThat(probe(LevelChooser.STORED, fast, measured, 8)).containsExactly(1, 3);
        // compressing, an unmeasured (or only optimistic) link, or a level never measured: all candidates
        assertThat(probe(1, fast, measured, 1)).containsExactly(1, 3, 6);
        assertThat(probe(LevelChooser.STORED, OptionalDouble.empty(), measured, 1)).containsExactly(1, 3, 6);
        assertThat(probe(LevelChooser.STORED, fast, Map.of(), 1)).containsExactly(1, 3, 6);
    }

    private static int[] probe(int level, OptionalDouble link, Map<Integer, Measure> last, int workers) {
        return LevelChooser.probeLevels(level, link, last, workers, LevelMeter.CANDIDATES);
    }

    @Test
    void aCompressingLevelThatAchievedLessThanStoredIsNotTaken() {
        // 10 Gbit, sender and receiver on two cores: a stall made the link look like 1 Gbit, so the model picks zstd1,
        // but zstd1 moved 300 MB/s of data where stored moved 800
        int model = choose(125, OS_DISK, 1);
        assertThat(model).isEqualTo(1);
        assertThat(LevelChooser.checked(model, Map.of(LevelChooser.STORED, 800 * MB, 1, 300 * MB)))
                .isEqualTo(LevelChooser.STORED);
        // a heavier level is not taken either: it compresses slower than zstd1, which already lost
        assertThat(LevelChooser.checked(3, Map.of(LevelChooser.STORED, 800 * MB, 1, 300 * MB)))
                .isEqualTo(LevelChooser.STORED);
    }

    @Test
    void theModelStandsWhereNothingAchievedSaysOtherwise() {
        // not tried yet: trying it is how it gets a rate
        assertThat(LevelChooser.checked(1, Map.of(LevelChooser.STORED, 800 * MB))).isEqualTo(1);
        // no stored rate to compare with
        assertThat(LevelChooser.checked(3, Map.of(1, 300 * MB))).isEqualTo(3);
        // compressing achieved more (a 1 Gbit link): taken
        assertThat(LevelChooser.checked(1, Map.of(LevelChooser.STORED, 120 * MB, 1, 300 * MB))).isEqualTo(1);
        // compressing must move more by the margin: where both move the same it only spends CPU
        assertThat(LevelChooser.checked(1, Map.of(LevelChooser.STORED, 300 * MB, 1, 310 * MB)))
                .isEqualTo(LevelChooser.STORED);
        assertThat(LevelChooser.checked(1, Map.of(LevelChooser.STORED, 300 * MB, 1, 320 * MB))).isEqualTo(1);
        // stored is never overruled
        assertThat(LevelChooser.checked(LevelChooser.STORED, Map.of(1, 900 * MB))).isEqualTo(LevelChooser.STORED);
        // only levels up to the choice count: zstd6 losing says nothing of zstd3
        assertThat(LevelChooser.checked(3, Map.of(LevelChooser.STORED, 800 * MB, 6, 50 * MB))).isEqualTo(3);
    }
}
