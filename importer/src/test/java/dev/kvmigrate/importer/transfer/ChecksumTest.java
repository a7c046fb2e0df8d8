package dev.kvmigrate.importer.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.importer.format.ZeroBlocks;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChecksumTest {
    private static final int B = ZeroBlocks.BLOCK;

    /** Three data blocks, two zero blocks, a data block whose only non-zero byte is its last, a short zero tail. */
    private static byte[] content() {
        byte[] c = new byte[6 * B + 1000];
        new Random(7).nextBytes(c);
        java.util.Arrays.fill(c, 3 * B, 5 * B, (byte) 0);
        java.util.Arrays.fill(c, 5 * B, 6 * B - 1, (byte) 0);
        java.util.Arrays.fill(c, 6 * B, c.length, (byte) 0);
        return c;
    }

    @Test
    void zerosGivenAsDataOrAsZeroRunsDigestAlike() throws Exception {
        byte[] c = content();
        ContentDigest asData = Checksum.XXH3.start();
        asData.data(0, c, 0, c.length);
        ContentDigest asRuns = Checksum.XXH3.start();
        asRuns.data(0, c, 0, 3 * B);
        asRuns.zeros(3 * B, 2L * B);
        asRuns.data(5 * B, c, 5 * B, B);
        asRuns.zeros(6 * B, c.length - 6L * B);
        assertThat(asData.finish()).isEqualTo(asRuns.finish()).startsWith("xxh3-128/64k:");
    }

    @Test
    void aBlockWithOneNonZeroByteIsNotAZeroBlock() throws Exception {
        byte[] c = new byte[B];
        ContentDigest zero = Checksum.XXH3.start();
        zero.data(0, c, 0, B);
        c[B - 1] = 1;
        ContentDigest one = Checksum.XXH3.start();
        one.data(0, c, 0, B);
        ContentDigest runs = Checksum.XXH3.start();
        runs.zeros(0, B);
        assertThat(zero.finish()).isEqualTo(runs.finish()).isNotEqualTo(one.finish());
    }
}
