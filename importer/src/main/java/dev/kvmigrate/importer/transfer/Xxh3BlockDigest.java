package dev.kvmigrate.importer.transfer;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hasher128;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.kvmigrate.importer.format.ZeroBlocks;

/** See {@link Checksum#XXH3}. Runs must be block-aligned, as {@link BlockVisitor} promises. */
final class Xxh3BlockDigest implements ContentDigest {
    private static final Hasher128 HASHER = Hashing.xxh3_128();
    private static final HashValue128 ZERO_BLOCK = HASHER.hashBytesTo128Bits(ZeroBlocks.zeros());

    private final HashStream128 outer = HASHER.hashStream();

    @Override
    public void data(long offset, byte[] buf, int off, int len) {
        for (int at = 0; at < len; at += ZeroBlocks.BLOCK) {
            int n = Math.min(ZeroBlocks.BLOCK, len - at);
            // a whole zero block handed as data (a stream's zeros) has the constant digest: checking is cheaper
            // than hashing (a data block fails the check at its first non-zero byte)
            put(n == ZeroBlocks.BLOCK && ZeroBlocks.isZero(buf, off + at, n) ? ZERO_BLOCK
                    : HASHER.hashBytesTo128Bits(buf, off + at, n));
        }
    }

    @Override
    public void zeros(long offset, long length) {
        long full = length / ZeroBlocks.BLOCK;
        for (long i = 0; i < full; i++) {
            put(ZERO_BLOCK);
        }
        int rest = (int) (length % ZeroBlocks.BLOCK);
        if (rest > 0) {
            put(HASHER.hashBytesTo128Bits(ZeroBlocks.zeros(), 0, rest));
        }
    }

    private void put(HashValue128 v) {
        outer.putLong(v.getMostSignificantBits()).putLong(v.getLeastSignificantBits());
    }

    @Override
    public String finish() {
        HashValue128 v = outer.get();
        return Checksum.XXH3.label() + ":" + String.format("%016x%016x", v.getMostSignificantBits(),
                v.getLeastSignificantBits());
    }
}
