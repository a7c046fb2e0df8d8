package dev.kvmigrate.importer.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExtentTest {
    static final int B = ZeroBlocks.BLOCK;

    @Test
    void extentsAreRoundedOutToBlocksMergedAndClipped() {
        assertThat(Extent.alignToBlocks(List.of(new Extent(4096, 100), new Extent(B + 10, 10)), 10L * B))
                .containsExactly(new Extent(0, 2L * B));
        assertThat(Extent.alignToBlocks(List.of(new Extent(0, B), new Extent(3L * B, 5)), 3L * B + 100))
                .containsExactly(new Extent(0, B), new Extent(3L * B, 100));
        assertThat(Extent.alignToBlocks(List.of(), 5)).isEmpty();
    }

    @Test
    void zeroCheckSeesASingleByte() {
        byte[] b = new byte[3 * B + 7];
        assertThat(ZeroBlocks.isZero(b, 0, b.length)).isTrue();
        b[2 * B + 5] = 1;
        assertThat(ZeroBlocks.isZero(b, 0, b.length)).isFalse();
        assertThat(ZeroBlocks.isZero(b, 0, 2 * B)).isTrue();
    }
}
