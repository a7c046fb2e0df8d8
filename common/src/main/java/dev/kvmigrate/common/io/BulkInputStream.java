package dev.kvmigrate.common.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that only knows how to read into an array: its single-byte {@link #read()} goes through
 * {@link #read(byte[], int, int)}, so the bounds, checks and error messages a subclass puts there hold for every
 * read.
 */
public abstract class BulkInputStream extends InputStream {
    private final byte[] one = new byte[1];

    @Override
    public final int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
