package dev.kvmigrate.cli;

import dev.kvmigrate.importer.Phase;
import dev.kvmigrate.importer.Progress;
import dev.kvmigrate.importer.ProgressListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plain progress on stderr, for pipes, CI logs and NO_COLOR: phase changes and retries as they happen, byte
 * counts every few seconds per disk.
 */
final class ImportProgress implements ProgressListener {
    private static final long EVERY_NANOS = 2_000_000_000L;

    private final PrintWriter err;
    private final Map<String, Long> lastLine = new ConcurrentHashMap<>();

    ImportProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void phase(String disk, Phase phase, String detail) {
        line(disk + ": " + phase.name().toLowerCase(Locale.ROOT).replace('_', '-') + " " + detail);
    }

    @Override
    public void progress(Progress p) {
        long now = System.nanoTime();
        Long last = lastLine.get(p.disk());
        boolean finished = p.total() > 0 && p.done() >= p.total();
        if (last != null && now - last < EVERY_NANOS && !finished) {
            return;
        }
        lastLine.put(p.disk(), now);
        line(p.disk() + ": " + Units.bytes(p.done()) + (p.total() > 0 ? " of " + Units.bytes(p.total())
                + String.format(Locale.ROOT, " (%.0f%%)", 100.0 * p.done() / p.total()) : "") + ", "
                + Units.bytes((long) p.bytesPerSecond()) + "/s, " + Units.bytes(p.wireBytes()) + " sent");
    }

    @Override
    public void retry(String disk, int attempt, String cause, Duration delay) {
        line(disk + ": retry " + attempt + " in " + delay.toMillis() + " ms: " + cause);
    }

    private synchronized void line(String s) {
        err.println(s);
        err.flush();
    }
}
