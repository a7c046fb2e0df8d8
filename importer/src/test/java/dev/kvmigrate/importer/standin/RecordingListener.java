package dev.kvmigrate.importer.standin;

import dev.kvmigrate.importer.Phase;
import dev.kvmigrate.importer.Progress;
import dev.kvmigrate.importer.ProgressListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event, for assertions. */
public final class RecordingListener implements ProgressListener {
    public final List<String> phases = new CopyOnWriteArrayList<>();
    public final List<String> retries = new CopyOnWriteArrayList<>();
    public final List<Progress> progress = new CopyOnWriteArrayList<>();

    @Override
    public void phase(String disk, Phase phase, String detail) {
        phases.add(phase + " " + detail);
    }

    @Override
    public void progress(Progress p) {
        progress.add(p);
    }

    @Override
    public void retry(String disk, int attempt, String cause, Duration delay) {
        retries.add(attempt + " " + cause);
    }
}
