package dev.kvmigrate.testing.ovirt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A TCP relay in front of the plain-HTTP stand-in that behaves like engines and proxies that drop kept-alive
 * connections: every answer travels on its own backend connection, which the backend closes after it (the stand-in
 * sends {@code Connection: close} in this mode); the relay removes that header, so the client is not told, and
 * closes the client's connection as soon as the answer is through. A client that reuses the connection for its next
 * request meets an unexpected end of stream.
 */
final class ClosingRelay implements AutoCloseable {
    private final ServerSocket server;
    private final int backendPort;
    private final Thread acceptor;

    ClosingRelay(int backendPort) throws IOException {
        this.backendPort = backendPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "ovirt-standin-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> relay(client), "ovirt-standin-relay-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void relay(Socket client) {
        try (client; Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
            Thread up = new Thread(() -> pump(client, backend), "ovirt-standin-relay-up");
            up.setDaemon(true);
            up.start();
            InputStream in = backend.getInputStream();
            OutputStream out = client.getOutputStream();
            out.write(withoutConnectionHeader(head(in)));
            in.transferTo(out); // the backend closes after its one answer
            out.flush();
        } catch (IOException e) {
            // either side went away: the connection ends, which is the point
        }
    }

    /** Client bytes to the backend until either side closes. */
    private static void pump(Socket client, Socket backend) {
        try {
            client.getInputStream().transferTo(backend.getOutputStream());
        } catch (IOException e) {
            // closed under us
        }
    }

    /** The status line and headers, up to and including the empty line. */
    private static byte[] head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        int c;
        while (matched < 4 && (c = in.read()) >= 0) {
            b.write(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        return b.toByteArray();
    }

    private static byte[] withoutConnectionHeader(byte[] head) {
        StringBuilder out = new StringBuilder();
        for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\r\n", -1)) {
            if (!line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                out.append(line).append("\r\n");
            }
        }
        out.setLength(out.length() - 2); // split left one empty piece after the last CRLF
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
