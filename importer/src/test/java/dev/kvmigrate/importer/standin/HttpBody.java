package dev.kvmigrate.importer.standin;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** A request body on a connection: Content-Length bytes, or chunked transfer coding; never reads past it. */
final class HttpBody extends InputStream {
    private final InputStream in;
    private final boolean chunked;
    private long left; // bytes left in the body (fixed) or in the current chunk (chunked)
    private boolean done;
    private long consumed;

    HttpBody(InputStream in, long contentLength, boolean chunked) {
        this.in = in;
        this.chunked = chunked;
        this.left = chunked ? 0 : contentLength;
        this.done = !chunked && contentLength <= 0;
    }

    long consumed() {
        return consumed;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (done) {
            return -1;
        }
        if (chunked && left == 0) {
            left = nextChunk();
            if (left == 0) {
                done = true;
                return -1;
            }
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n < 0) {
            throw new EOFException("connection closed inside the request body");
        }
        left -= n;
        consumed += n;
        if (!chunked && left == 0) {
            done = true;
        }
        if (chunked && left == 0) {
            line(); // CRLF after the chunk data
        }
        return n;
    }

    private long nextChunk() throws IOException {
        String size = line();
        int semi = size.indexOf(';');
        long n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
        if (n == 0) {
            while (!line().isEmpty()) {
                // trailers
            }
        }
        return n;
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                s.append((char) c);
            }
        }
        if (c < 0) {
            throw new EOFException("connection closed inside chunked framing");
        }
        return s.toString();
    }

    /** Reads and drops the rest of the body. */
    void drain() throws IOException {
        byte[] buf = new byte[1 << 20];
        while (read(buf, 0, buf.length) >= 0) {
            // dropped
        }
    }
}
