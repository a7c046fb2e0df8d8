package dev.kvmigrate.common.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only window {@code [offset, offset+size)} of a file channel, e.g. one OVA member read in place; closing it
 * leaves the file open.
 */
public final class SliceChannel implements SeekableByteChannel {
    private final FileChannel file;
    private final long offset;
    private final long size;
    private long position;

    public SliceChannel(FileChannel file, long offset, long size) {
        this.file = file;
        this.offset = offset;
        this.size = size;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (position >= size) {
            return -1;
        }
        int want = (int) Math.min(dst.remaining(), size - position);
        ByteBuffer view = dst.slice();
        view.limit(want);
        int n = file.read(view, offset + position);
        if (n > 0) {
            dst.position(dst.position() + n);
            position += n;
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long s) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    @Override
    public void close() {
        // The file channel belongs to the caller.
    }
}
