package dev.kvmigrate.importer.standin;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CDI's upload proxy on 127.0.0.1, plain HTTP over raw sockets (so faults can cut a connection mid-body and
 * GB streams go at socket speed). Endpoints: {@code HEAD /v1beta1/upload-async} 200; {@code POST
 * /v1beta1/upload-async} and {@code /v1beta1/upload}: 400 no/malformed token or image too large, 401 unknown or
 * expired token (checked once, at the start), 503 volume not ready or busy, 409 already uploaded, 500 write
 * failure, 200 done. Rejections read the body to its end first, so the client sees the status.
 */
final class UploadProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UploadProxy.class);

    private final ServerSocket server;
    private final Tokens tokens;
    private final Function<String, Optional<Volume>> volumes;
    private final Faults faults;
    private final AtomicLong bodyBytes = new AtomicLong();
    /** Set by {@link ClusterStandIn#meter}: every body byte received is also counted into its time window. */
    volatile ReceiveMeter meter;
    /** Set by {@link ClusterStandIn#discardVolumes}: bodies are digested and dropped, no volume file is written. */
    volatile boolean discard;
    private final Thread acceptor;
    private final String scheme;

    UploadProxy(Tokens tokens, Function<String, Optional<Volume>> volumes, Faults faults,
            Optional<javax.net.ssl.SSLContext> tls) throws IOException {
        this.server = tls.isPresent()
                ? tls.get().getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress())
                : new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.scheme = tls.isPresent() ? "https" : "http";
        this.tokens = tokens;
        this.volumes = volumes;
        this.faults = faults;
        this.acceptor = new Thread(this::acceptLoop, "standin-uploadproxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return scheme + "://127.0.0.1:" + server.getLocalPort();
    }

    /** Body bytes received by all uploads so far (what crossed the wire). */
    long bodyBytes() {
        return bodyBytes.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "standin-upload-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setReceiveBufferSize(4 << 20);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 20);
            OutputStream out = socket.getOutputStream();
            while (true) {
                String requestLine = line(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                String h;
                while ((h = line(in)) != null && !h.isEmpty()) {
                    int colon = h.indexOf(':');
                    if (colon > 0) {
                        headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
                    }
                }
                String[] parts = requestLine.split(" ");
                boolean keepAlive = handle(parts[0], parts.length > 1 ? parts[1] : "/", headers, in, out);
                if (!keepAlive) {
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("upload connection ended: {}", e.toString());
        }
    }

    /** Handles one request; false to close the connection. */
    private boolean handle(String method, String path, Map<String, String> headers, InputStream in, OutputStream out)
            throws IOException {
        boolean chunked = "chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""));
        long length = Long.parseLong(headers.getOrDefault("content-length", "0"));
        HttpBody body = new HttpBody(in, length, chunked);
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        boolean upload = p.equals("/v1beta1/upload-async") || p.equals("/v1beta1/upload");
        if (method.equals("HEAD") && p.equals("/v1beta1/upload-async")) {
            return respond(out, 200, "", true);
        }
        if (method.equals("GET") && p.equals("/healthz")) {
            return respond(out, 200, "OK", true);
        }
        if (!method.equals("POST") || !upload) {
            body.drain();
            return respond(out, 404, "no such endpoint " + method + " " + p, true);
        }
        if ("100-continue".equalsIgnoreCase(headers.get("expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        String auth = headers.getOrDefault("authorization", "");
        if (!auth.startsWith("Bearer ") || auth.length() < 8) {
            return reject(body, out, 400, "missing or malformed Authorization Bearer token");
        }
        Optional<Tokens.Grant> grant = tokens.check(auth.substring(7).trim());
        if (grant.isEmpty() || faults.takeExpiredToken()) {
            return reject(body, out, 401, "token is invalid or expired");
        }
        if (faults.takeStallAfterHeaders()) {
            hold();
            return false;
        }
        if (faults.takeConflict()) {
            return reject(body, out, 409, "PVC " + grant.get().pvc() + " already successfully imported/cloned/updated");
        }
        if (faults.takeNeverAnswer()) {
            body.drain();
            hold();
            return false;
        }
        if (faults.takeTrickleAnswer()) {
            body.drain();
            trickle(out);
            return false;
        }
        long huge = faults.takeHugeError();
        if (huge > 0) {
            body.drain();
            hugeError(out, huge);
            return false;
        }
        Optional<Volume> found = volumes.apply(grant.get().namespace() + "/" + grant.get().pvc());
        if (found.isEmpty() || found.get().state() == Volume.State.PENDING || faults.takeUnavailable()) {
            return reject(body, out, 503, "upload server for " + grant.get().pvc() + " is not ready");
        }
        Volume volume = found.get();
        if (volume.state() == Volume.State.SUCCEEDED) {
            return reject(body, out, 409, "PVC " + volume.name() + " already successfully imported/cloned/updated");
        }
        if (!volume.busy.compareAndSet(false, true)) {
            return reject(body, out, 503, "an upload to " + volume.name() + " is already in progress");
        }
        try {
            volume.countUpload();
            InputStream counted = new Counting(body, faults.takeCut(), faults.slowBytesPerSecond());
            try {
                if (discard) {
                    VolumeWriter.digestAndDiscard(counted, volume);
                } else {
                    VolumeWriter.write(counted, volume);
                }
            } catch (VolumeWriter.Rejected e) {
                body.drain();
                return respond(out, 400, e.getMessage(), true);
            } catch (CutException e) {
                return false; // the socket closes under the client
            }
            if (faults.takeServerError()) {
                return respond(out, 500, "Saving stream failed: injected write failure", true);
            }
            volume.state(Volume.State.SUCCEEDED);
            return respond(out, 200, "", true);
        } catch (IOException e) {
            LOG.debug("upload to {} broke: {}", volume.name(), e.toString());
            return false;
        } finally {
            volume.busy.set(false);
        }
    }

    /** Keeps the connection open, saying and reading nothing, until the stand-in closes or 30 s pass. */
    private void hold() {
        long until = System.nanoTime() + 30_000_000_000L;
        while (!server.isClosed() && System.nanoTime() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A 503 whose 1 MiB body comes a byte per 50 ms, until the client hangs up (or 30 s pass). */
    private void trickle(OutputStream out) throws IOException {
        out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 1048576\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        long until = System.nanoTime() + 30_000_000_000L;
        while (!server.isClosed() && System.nanoTime() < until) {
            out.write('x');
            out.flush();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A 500 with a chunked body of {@code bytes}, written as fast as the client takes it. */
    private void hugeError(OutputStream out, long bytes) throws IOException {
        out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'E');
        byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
        for (long sent = 0; sent < bytes; sent += chunk.length) {
            out.write(size);
            out.write(chunk);
            out.write(crlf);
            faults.errorBodySent(chunk.length);
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private boolean reject(HttpBody body, OutputStream out, int code, String reason) throws IOException {
        body.drain();
        return respond(out, code, reason, true);
    }

    private static boolean respond(OutputStream out, int code, String body, boolean keepAlive) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + code + " " + reason(code) + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + b.length + "\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
        return keepAlive;
    }

    private static String reason(int code) {
        return switch (code) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                s.append((char) c);
            }
            if (s.length() > 16 * 1024) {
                throw new IOException("header line too long");
            }
        }
        return c < 0 && s.length() == 0 ? null : s.toString();
    }

    /** The connection cut fault fired. */
    private static final class CutException extends IOException {
        private static final long serialVersionUID = 1L;

        CutException(long at) {
            super("injected cut after " + at + " bytes");
        }
    }

    /** Counts body bytes; fires the cut fault; reads slowly when asked. */
    private final class Counting extends InputStream {
        private final InputStream in;
        private final long cutAt;
        private final long slow;
        private long n;
        private final long start = System.nanoTime();

        Counting(InputStream in, long cutAt, long slow) {
            this.in = in;
            this.cutAt = cutAt;
            this.slow = slow;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int want = len;
            if (cutAt >= 0) {
                if (n >= cutAt) {
                    throw new CutException(n);
                }
                want = (int) Math.min(want, cutAt - n);
            }
            if (slow > 0) {
                want = (int) Math.min(want, Math.max(1, slow / 20));
                long due = (long) (n * 1e9 / slow);
                long waited = System.nanoTime() - start;
                if (due > waited) {
                    try {
                        Thread.sleep((due - waited) / 1_000_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException();
                    }
                }
            }
            int r = in.read(b, off, want);
            if (r > 0) {
                n += r;
                bodyBytes.addAndGet(r);
                ReceiveMeter m = meter;
                if (m != null) {
                    m.add(r);
                }
            }
            return r;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
