package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.io.ReadOnlyChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Random access to a libvirt volume's stored bytes over any URI: every miss is a ranged
 * {@code virStorageVolDownload(offset, length)} of a whole read-ahead window ({@link #WINDOW}, aligned), the last
 * few windows kept (LRU). A qcow2 reader walks its tables and data clusters mostly forward, so one request serves
 * many clusters; each request is counted in the handle's counters.
 */
final class LibvirtVolumeChannel extends ReadOnlyChannel {
    static final int WINDOW = 4 * 1024 * 1024;
    private static final int KEEP = 6;

    private final LibvirtVolumeHandle handle;
    private final Map<Long, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> e) {
            return size() > KEEP;
        }
    };
    private boolean open = true;

    LibvirtVolumeChannel(LibvirtVolumeHandle handle, long size) {
        super(size);
        this.handle = handle;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (atEnd()) {
            return -1;
        }
        int total = 0;
        while (dst.hasRemaining() && position < size) {
            long w = position / WINDOW;
            byte[] window = window(w);
            int in = (int) (position - w * WINDOW);
            int n = Math.min(dst.remaining(), window.length - in);
            if (n <= 0) {
                break;
            }
            dst.put(window, in, n);
            position += n;
            total += n;
        }
        return total == 0 ? -1 : total;
    }

    private byte[] window(long w) throws IOException {
        byte[] cached = cache.get(w);
        if (cached != null) {
            return cached;
        }
        long start = w * WINDOW;
        byte[] out = range(handle, start, (int) Math.min(WINDOW, size - start));
        cache.put(w, out);
        return out;
    }

    /**
     * {@code len} bytes at {@code start} of {@code h}'s stored bytes, by one ranged sparse download (holes read as
     * zeros); fails when the stream ends short.
     */
    static byte[] range(LibvirtVolumeHandle h, long start, int len) throws IOException {
        byte[] out = new byte[len];
        int[] at = {0};
        LibvirtStreams.download(h.conn, h.vol, start, len, true, h.counters, new LibvirtStreams.Receiver() {
            @Override
            public void data(byte[] buf, int n) {
                int m = Math.min(n, len - at[0]);
                System.arraycopy(buf, 0, out, at[0], m);
                at[0] += m;
            }

            @Override
            public void hole(long length) {
                // the array is zeros already
                at[0] = (int) Math.min(len, at[0] + length);
            }
        });
        if (at[0] < len) {
            throw new IOException(h.describe + ": range " + start + "+" + len + " ended after " + at[0] + " bytes");
        }
        return out;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
        cache.clear();
    }
}
