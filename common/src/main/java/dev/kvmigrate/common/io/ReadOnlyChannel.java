package dev.kvmigrate.common.io;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only seekable channel of a known size: the position and size bookkeeping, and refusals of writes, that every
 * such view shares (a slice of a file, a remote volume read by ranges). Subclasses read from {@link #position} and
 * advance it.
 */
public abstract class ReadOnlyChannel implements SeekableByteChannel {
    /** The channel's size in bytes. */
    protected final long size;
    /** Where the next read starts. */
    protected long position;

    protected ReadOnlyChannel(long size) {
        this.size = size;
    }

    /**
     * The check every read starts with: fails when the channel is closed; true when the position is at or past the
     * end (the read then returns -1).
     */
    protected final boolean atEnd() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
        return position >= size;
    }

    @Override
    public final long position() {
        return position;
    }

    @Override
    public final SeekableByteChannel position(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public final long size() {
        return size;
    }

    @Override
    public final int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public final SeekableByteChannel truncate(long s) {
        throw new NonWritableChannelException();
    }
}
