package dev.kvmigrate.testing.ovirt;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ovirt-imageio side of the stand-in ({@code /images/TICKET}), as the daemon and the proxy answer a download
 * ticket: {@code OPTIONS} (features, with {@code extents}), {@code GET …/extents} (zero extents and data extents),
 * and {@code GET} of the guest-visible bytes, whole or one {@code Range}. A ticket is valid while its transfer is
 * transferring; writes are refused, the ticket being read-only.
 */
final class Imageio {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private final EngineApi engine;
    volatile int failReadsWith;
    volatile boolean withoutExtents;

    Imageio(EngineApi engine) {
        this.engine = engine;
    }

    void handle(HttpExchange x, String path) throws IOException {
        String[] p = path.substring("/images/".length()).split("/");
        Optional<StandInDisk> disk = engine.ticket(p[0]);
        if (disk.isEmpty()) {
            error(x, 403, "You are not allowed to access this resource: No such ticket " + p[0]);
            return;
        }
        StandInDisk d = disk.get();
        String method = x.getRequestMethod();
        if (p.length == 2 && p[1].equals("extents") && method.equals("GET") && !withoutExtents) {
            extents(x, d);
        } else if (p.length > 1) {
            error(x, 404, "No such resource " + path);
        } else if (method.equals("OPTIONS")) {
            x.getResponseHeaders().set("Allow", "OPTIONS,GET");
            Http.json(x, 200, "{\"features\": [" + (withoutExtents ? "" : "\"extents\"")
                    + "], \"max_readers\": 8, \"max_writers\": 8}");
        } else if (method.equals("GET")) {
            read(x, d);
        } else if (method.equals("PUT") || method.equals("PATCH")) {
            error(x, 403, "You are not allowed to access this resource: Ticket " + p[0] + " forbids write");
        } else {
            x.getResponseHeaders().set("Allow", "OPTIONS,GET");
            error(x, 405, "Method not allowed: " + method);
        }
    }

    private void extents(HttpExchange x, StandInDisk d) throws IOException {
        Map<String, String> q = Http.params(x.getRequestURI().getRawQuery());
        String context = q.getOrDefault("context", "zero");
        if (!context.equals("zero")) {
            error(x, 404, "Ticket does not support " + context + " extents");
            return;
        }
        StringBuilder sb = new StringBuilder("[");
        for (StandInDisk.Extent e : d.extents) {
            sb.append(sb.length() > 1 ? ", " : "").append("{\"start\": ").append(e.start()).append(", \"length\": ")
                    .append(e.length()).append(", \"zero\": ").append(e.zero()).append(", \"hole\": ")
                    .append(e.hole()).append('}');
        }
        Http.json(x, 200, sb.append(']').toString());
    }

    private void read(HttpExchange x, StandInDisk d) throws IOException {
        if (failReadsWith > 0) {
            error(x, failReadsWith, "injected failure reading " + d.id);
            return;
        }
        long size = d.virtualSize;
        String range = x.getRequestHeaders().getFirst("Range");
        long from = 0;
        long to = size - 1;
        int status = 200;
        if (range != null) {
            Matcher m = RANGE.matcher(range.trim());
            if (!m.matches()) {
                error(x, 400, "Invalid Range header: " + range + " (one range, bytes=START-[END])");
                return;
            }
            from = Long.parseLong(m.group(1));
            to = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
            if (from >= size || to < from) {
                x.getResponseHeaders().set("Content-Range", "bytes */" + size);
                error(x, 416, "Requested range not satisfiable: " + range);
                return;
            }
            status = 206;
            x.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        x.getResponseHeaders().set("Content-Type", "application/octet-stream");
        x.sendResponseHeaders(status, to - from + 1);
        try (OutputStream out = x.getResponseBody()) {
            d.copy(from, to - from + 1, out);
        }
    }

    /** imageio answers errors as plain text. */
    private static void error(HttpExchange x, int status, String message) throws IOException {
        Http.send(x, status, "text/plain", message + "\n");
    }
}
