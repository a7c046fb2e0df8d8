package dev.kvmigrate.cli;

import dev.kvmigrate.importer.Phase;
import dev.kvmigrate.importer.Progress;
import dev.kvmigrate.importer.ProgressListener;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars on a terminal (stderr): one per disk with rate and ETA, plus a total when several run. */
final class ImportBars implements ProgressListener, AutoCloseable {
    private final Map<String, ProgressBar> bars = new ConcurrentHashMap<>();
    private final Map<String, Long> done = new ConcurrentHashMap<>();
    private final ProgressBar total;

    ImportBars(int disks, long totalBytes) {
        this.total = disks > 1 ? bar("total", totalBytes) : null;
    }

    private static ProgressBar bar(String name, long max) {
        return new ProgressBarBuilder().setTaskName(name).setInitialMax(max > 0 ? max : -1)
                .setUnit("MiB", 1L << 20).showSpeed().setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).build();
    }

    @Override
    public void phase(String disk, Phase phase, String detail) {
        ProgressBar b = bars.get(disk);
        if (b != null) {
            b.setExtraMessage(" " + phase.name().toLowerCase(Locale.ROOT)); // apart from the bar's speed
        }
        if (phase == Phase.DONE || phase == Phase.FAILED) {
            ProgressBar finished = bars.remove(disk);
            if (finished != null) {
                finished.close();
            }
        }
    }

    @Override
    public void progress(Progress p) {
        ProgressBar b = bars.computeIfAbsent(p.disk(), d -> bar(d, p.total()));
        b.stepTo(p.done());
        if (total != null) {
            long before = done.getOrDefault(p.disk(), 0L);
            done.put(p.disk(), p.done());
            total.stepBy(Math.max(0, p.done() - before));
        }
    }

    @Override
    public void retry(String disk, int attempt, String cause, Duration delay) {
        ProgressBar b = bars.get(disk);
        if (b != null) {
            b.setExtraMessage(" retry " + attempt + ": " + cause);
            b.reset();
        }
        done.put(disk, 0L);
    }

    @Override
    public void close() {
        bars.values().forEach(ProgressBar::close);
        if (total != null) {
            total.close();
        }
    }
}
