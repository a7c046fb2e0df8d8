package dev.kvmigrate.importer.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class LinkEstimateTest {
    private static final long MS = 1_000_000L;
    private static final long MB = 1_000_000L;

    private static LinkEstimate measured(double rate) {
        return new LinkEstimate(OptionalDouble.of(rate), false, 0, 0);
    }

    @Test
    void aWindowWhoseWritesBlockedMeasuresTheRateAchievedNotTheRateOfTheWrites() {
        // 64 MB in 512 ms, 420 ms of it inside writes: a 125 MB/s link; 64/0.42 = 152 MB/s would overstate it
        LinkEstimate e = LinkEstimate.NONE.next(64 * MB, 420 * MS, 512 * MS, true);
        assertThat(e.optimistic()).isFalse();
        assertThat(e.rate().getAsDouble()).isCloseTo(125e6, within(1e5));
        // a saturated window replaces an estimate, optimistic or measured, higher or lower
        assertThat(measured(900e6).next(64 * MB, 420 * MS, 512 * MS, false).rate().getAsDouble())
                .isCloseTo(125e6, within(1e5));
        assertThat(new LinkEstimate(OptionalDouble.of(10e6), true, 0, 0).next(64 * MB, 420 * MS, 512 * MS, false)
                .rate().getAsDouble()).isCloseTo(125e6, within(1e5));
    }

    @Test
    void beforeAnySaturatedWindowTheBufferedWriteRateStandsInAsOptimistic() {
        // compression set the pace: 9 MB written in 60 ms of a 900 ms window
        LinkEstimate e = LinkEstimate.NONE.next(9 * MB, 60 * MS, 900 * MS, false);
        assertThat(e.optimistic()).isTrue();
        assertThat(e.rate().getAsDouble()).isCloseTo(150e6, within(1e5));
        assertThat(e.measured()).isEmpty();
        // and stays optimistic (the latest buffered rate) until the link pushes back
        LinkEstimate f = e.next(12 * MB, 30 * MS, 500 * MS, false);
        assertThat(f.optimistic()).isTrue();
        assertThat(f.rate().getAsDouble()).isCloseTo(400e6, within(1e5));
    }

    @Test
    void storedDataThatDidNotFillTheLinkSaysTheLinkTakesMoreThanThisHostSendsUncompressed() {
        LinkEstimate e = new LinkEstimate(OptionalDouble.of(150e6), true, 0, 0).next(64 * MB, 40 * MS, 160 * MS, true);
        assertThat(e.optimistic()).isFalse();
        assertThat(e.rate().getAsDouble()).isCloseTo(1600e6, within(1e5));
        // never below what was measured before
        assertThat(measured(2000e6).next(64 * MB, 40 * MS, 160 * MS, true).rate().getAsDouble()).isEqualTo(2000e6);
    }

    @Test
    void aCompressionPacedWindowNearTheEstimateGrowsItSoOneSlowMomentDoesNotHoldItLow() {
        // measured 16 MB/s while the receiver warmed up; zstd3 then sent 11 MB in 570 ms without blocking
        LinkEstimate e = measured(16e6);
        for (int i = 0; i < LinkEstimate.RETEST - 1; i++) {
            double achieved = e.rate().getAsDouble() * 0.9; // lighter levels send near the estimate
            e = e.next((long) (achieved * 0.5), 20 * MS, 500 * MS, false);
            assertThat(e.optimistic()).isFalse();
        }
        assertThat(e.rate().getAsDouble()).isCloseTo(16e6 * Math.pow(1.35, 3), within(1e5));
    }

    @Test
    void compressionPacedWindowsInARowTurnTheEstimateOptimisticSoAStoredTrialRetestsTheLink() {
        // 10 Gbit, a receiver busy for a moment: zstd1's window measured 250 MB/s; zstd1 then sends 180 MB/s of
        // wire, compression-paced (writes 10 % of the window): growth alone never passes 270 MB/s, below what
        // stored would send
        LinkEstimate e = measured(250e6);
        for (int i = 1; i < LinkEstimate.RETEST; i++) {
            e = e.next(90 * MB, 50 * MS, 500 * MS, false);
            assertThat(e.optimistic()).as("window %d", i).isFalse();
            assertThat(e.rate().getAsDouble()).isCloseTo(270e6, within(1e5));
        }
        e = e.next(90 * MB, 50 * MS, 500 * MS, false);
        assertThat(e.optimistic()).isTrue();
        assertThat(e.rate().getAsDouble()).isCloseTo(1800e6, within(1e5)); // the buffered write rate
        // the trial's stored window then measures the link, and the count starts again
        LinkEstimate t = e.next(400 * MB, 300 * MS, 500 * MS, true);
        assertThat(t.retests()).isOne();
        assertThat(t.optimistic()).isFalse();
        assertThat(t.rate().getAsDouble()).isCloseTo(800e6, within(1e5));
        assertThat(t.paced()).isZero();
        // the next retest waits twice as long
        for (int i = 1; i < 2 * LinkEstimate.RETEST; i++) {
            t = t.next(90 * MB, 50 * MS, 500 * MS, false);
            assertThat(t.optimistic()).as("window %d after the retest", i).isFalse();
        }
        assertThat(t.next(90 * MB, 50 * MS, 500 * MS, false).optimistic()).isTrue();
        // a window the link paced in between resets the count too
        LinkEstimate r = measured(250e6).next(90 * MB, 50 * MS, 500 * MS, false)
                .next(125 * MB, 400 * MS, 500 * MS, false);
        assertThat(r.paced()).isZero();
        assertThat(r.rate().getAsDouble()).isCloseTo(250e6, within(1e5));
    }

    @Test
    void aCompressionPacedWindowFarBelowTheEstimateLeavesIt() {
        // zstd1 on a 1 Gbit link: 58 MB/s of wire without blocking says nothing against the 125 MB/s measured
        assertThat(measured(125e6).next(29 * MB, 40 * MS, 500 * MS, false).rate().getAsDouble()).isEqualTo(125e6);
        // growth is GROW times what the link took
        assertThat(measured(10e6).next(10 * MB, 190 * MS, 500 * MS, false).rate().getAsDouble())
                .isCloseTo(30e6, within(1e5));
    }

    @Test
    void aStoredTrialWindowSaysTheLinkTakesMoreOnlyAfterEnoughBytesToFillTheBuffers() {
        LinkEstimate trial = new LinkEstimate(OptionalDouble.of(1800e6), true, 0, 0);
        // 8 MB went into socket buffers and a shaper's queue in 10 ms of a 60 ms window: says nothing yet
        assertThat(trial.conclusive(8 * MB, 10 * MS, 60 * MS, true)).isFalse();
        // writes that blocked, or enough bytes, do
        assertThat(trial.conclusive(8 * MB, 40 * MS, 60 * MS, true)).isTrue();
        assertThat(trial.conclusive(LinkEstimate.VERDICT, 10 * MS, 60 * MS, true)).isTrue();
        // a retest's trial needs the bytes even when its writes blocked: the buffers drained before it overstate
        LinkEstimate retest = new LinkEstimate(OptionalDouble.of(1800e6), true, 0, 1);
        assertThat(retest.conclusive(8 * MB, 40 * MS, 60 * MS, true)).isFalse();
        assertThat(retest.conclusive(LinkEstimate.VERDICT, 200 * MS, 260 * MS, true)).isTrue();
        // a measured estimate, or compressed data, is judged at once
        assertThat(measured(1800e6).conclusive(8 * MB, 10 * MS, 60 * MS, true)).isTrue();
        assertThat(trial.conclusive(8 * MB, 10 * MS, 60 * MS, false)).isTrue();
    }
}
