package dev.kvmigrate.common.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that counts the bytes passing through it (read or skipped) and lets a subclass check each step: the
 * one place for bounds on untrusted streams (document size, inflation ratio, a member's end). Mark/reset is not
 * supported, so nothing is counted twice.
 */
public abstract class CountingInputStream extends FilterInputStream {
    private long count;

    protected CountingInputStream(InputStream in) {
        super(in);
    }

    /** Bytes that have passed so far. */
    public final long count() {
        return count;
    }

    /**
     * Called after {@code n} more bytes passed ({@link #count()} includes them); throw to stop the stream.
     */
    protected abstract void passed(long n) throws IOException;

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            count += n;
            passed(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = in.skip(n);
        if (s > 0) {
            count += s;
            passed(s);
        }
        return s;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
