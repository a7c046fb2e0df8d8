package dev.kvmigrate.importer.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bucket against a fake clock that sleeping advances: what it grants per window of time. */
class RateLimiterTest {
    private static final long RATE = 100_000_000; // 10^8 bytes/s
    private static final long SECOND = 1_000_000_000L;

    private long now = 7 * SECOND;
    private final RateLimiter limiter = new RateLimiter(RATE, () -> now, nanos -> now += nanos);

    /** Acquires {@code chunk}-byte pieces for {@code seconds}; the bytes granted in each 1 s window. */
    private List<Long> run(long chunk, int seconds) throws Exception {
        long start = now;
        long[] windows = new long[seconds];
        while (now - start < seconds * SECOND) {
            limiter.acquire(chunk);
            int w = (int) ((now - start) / SECOND);
            if (w < seconds) {
                windows[w] += chunk;
            }
        }
        List<Long> out = new ArrayList<>();
        for (long b : windows) {
            out.add(b);
        }
        return out;
    }

    @Test
    void startsEmptySoTheFirstWindowIsNotOverTheCap() throws Exception {
        for (long bytes : run(4 << 20, 10)) {
            // a 4 MiB piece is granted when it is paid for: every window within one piece of the rate
            assertThat(bytes).isBetween(RATE - (4 << 20), RATE + (4 << 20));
        }
    }

    @Test
    void timeBeforeTheFirstBytesBanksNothing() throws Exception {
        now += 30 * SECOND; // made at a plan's start; the first upload begins after its scans and volumes
        for (long bytes : run(4 << 20, 5)) {
            assertThat(bytes).isBetween(RATE - (4 << 20), RATE + (4 << 20));
        }
    }

    @Test
    void aPauseBanksAtMostAQuarterSecond() throws Exception {
        run(1 << 20, 2);
        now += 30 * SECOND; // idle: between disks, waiting for a volume
        List<Long> after = run(1 << 20, 1);
        assertThat(after.get(0)).isBetween(RATE, RATE + RATE / 4 + (1 << 20));
    }

    @Test
    void unlimitedNeverWaits() throws Exception {
        RateLimiter none = RateLimiter.unlimited();
        long t0 = System.nanoTime();
        none.acquire(Long.MAX_VALUE / 2);
        assertThat(System.nanoTime() - t0).isLessThan(SECOND);
        assertThat(none.isLimited()).isFalse();
    }
}
