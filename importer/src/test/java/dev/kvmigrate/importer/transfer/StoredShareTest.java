package dev.kvmigrate.importer.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StoredShareTest {
    private static final long MS = 1_000_000L;

    @Test
    void aWindowCompressionPacedWhileTheLinkHadRoomSendsMoreStored() {
        // zstd1 on one thread at 1 Gbit: writes 20 % of the window, the sender waited on frames 60 %
        StoredShare s = StoredShare.NONE;
        for (int i = 1; i <= 3; i++) {
            s = s.next(100 * MS, 300 * MS, 500 * MS);
            assertThat(s.share()).isEqualTo(i / 10.0);
        }
    }

    @Test
    void aWindowTheLinkPacedSendsLessStoredAndTheShareSettlesWhereTheLinkFills() {
        StoredShare s = new StoredShare(3);
        assertThat(s.next(300 * MS, 50 * MS, 500 * MS).share()).isEqualTo(0.2);
        // at the balance it steps around the point where the link fills
        assertThat(s.next(300 * MS, 50 * MS, 500 * MS).next(100 * MS, 300 * MS, 500 * MS).share()).isEqualTo(0.3);
    }

    @Test
    void aWindowNeitherPacedWhereTheSourceWasTheLimitCompressesAll() {
        // a slow source: writes 5 %, waits on frames 5 %: compressing costs nothing and saves the link
        assertThat(new StoredShare(2).next(25 * MS, 25 * MS, 500 * MS).share()).isEqualTo(0.1);
        assertThat(StoredShare.NONE.next(25 * MS, 25 * MS, 500 * MS).share()).isZero();
    }

    @Test
    void theShareStaysWithinItsBounds() {
        StoredShare s = new StoredShare(StoredShare.MAX_TENTHS);
        assertThat(s.next(10 * MS, 400 * MS, 500 * MS).share()).isEqualTo(0.8);
        assertThatThrownBy(() -> new StoredShare(9)).isInstanceOf(IllegalArgumentException.class);
    }
}
