package dev.kvmigrate.importer.format;

import java.util.Arrays;

/** All-zero checks over byte arrays, vectorised by the JDK's {@link Arrays#mismatch} intrinsic. */
public final class ZeroBlocks {
    /** Logical block size used for hole detection, digests and the sparse wire encoding. */
    public static final int BLOCK = 64 * 1024;

    private static final byte[] ZEROS = new byte[BLOCK];

    private ZeroBlocks() {}

    /** Whether {@code len} bytes of {@code buf} from {@code off} are all zero. */
    public static boolean isZero(byte[] buf, int off, int len) {
        int at = off;
        int end = off + len;
        while (at < end) {
            int n = Math.min(BLOCK, end - at);
            if (Arrays.mismatch(buf, at, at + n, ZEROS, 0, n) >= 0) {
                return false;
            }
            at += n;
        }
        return true;
    }

    /** A shared read-only array of {@link #BLOCK} zero bytes; callers must never write into it. */
    public static byte[] zeros() {
        return ZEROS;
    }
}
