package dev.kvmigrate.importer.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/** Raw content read from a stream (HTTP body, decompressed file), zero-checked per 64 KiB block. */
public final class StreamContent implements LogicalContent {
    /** Opens the raw (already decompressed) stream from byte 0; called once per attempt. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    private static final int CHUNK = 256 * 1024;

    private final Opener opener;
    private final OptionalLong size;

    public StreamContent(Opener opener, OptionalLong size) {
        this.opener = opener;
        this.size = size;
    }

    @Override
    public OptionalLong size() {
        return size;
    }

    @Override
    public long accept(BlockVisitor visitor) throws IOException {
        byte[] buf = new byte[CHUNK];
        RunBuilder runs = new RunBuilder(visitor);
        long pos = 0;
        try (InputStream in = opener.open()) {
            while (true) {
                int n = in.readNBytes(buf, 0, CHUNK);
                if (n <= 0) {
                    break;
                }
                runs.scan(pos, buf, n);
                pos += n;
                if (n < CHUNK) {
                    break;
                }
            }
        }
        runs.flush();
        if (size.isPresent() && size.getAsLong() != pos) {
            throw new IOException("stream ended after " + pos + " bytes, expected " + size.getAsLong());
        }
        return pos;
    }
}
