package dev.kvmigrate.common.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A read-only window {@code [offset, offset+size)} of a file channel, e.g. one OVA member read in place; closing it
 * leaves the file open.
 */
public final class SliceChannel extends ReadOnlyChannel {
    private final FileChannel file;
    private final long offset;

    public SliceChannel(FileChannel file, long offset, long size) {
        super(size);
        this.file = file;
        this.offset = offset;
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
    public boolean isOpen() {
        return file.isOpen();
    }

    @Override
    public void close() {
        // The file channel belongs to the caller.
    }
}
