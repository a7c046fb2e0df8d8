package dev.kvmigrate.importer.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReceiveMeterTest {
    private static final long S = 1_000_000_000L;

    @Test
    void bytesLandInTheWindowOfTheirTimeCountedFromTheFirstByte() {
        AtomicLong now = new AtomicLong(100 * S);
        ReceiveMeter m = new ReceiveMeter(Duration.ofSeconds(5), now::get);
        assertThat(m.windows()).isEmpty();
        assertThat(m.fullWindows()).isEmpty();
        m.add(10);                     // t = 0: window 0 starts here
        now.addAndGet(4 * S);
        m.add(5);                      // t = 4 s
        now.addAndGet(S);
        m.add(7);                      // t = 5 s: window 1
        now.addAndGet(7 * S);
        m.add(3);                      // t = 12 s: window 2; nothing in between is a window of 0
        assertThat(m.windows()).containsExactly(15L, 7L, 3L);
        assertThat(m.fullWindows()).as("the last window is cut short by the end").containsExactly(15L, 7L);
        now.addAndGet(5 * S);
        m.add(1);                      // t = 17 s: window 3
        assertThat(m.windows()).containsExactly(15L, 7L, 3L, 1L);
        assertThat(m.window()).isEqualTo(Duration.ofSeconds(5));
    }
}
