package dev.kvmigrate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.importer.Phase;
import dev.kvmigrate.importer.Progress;
import dev.kvmigrate.importer.ProgressListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** {@code -o json}: one JSON object per event on stderr (results stay alone on stdout, for jq). */
final class ImportEvents implements ProgressListener {
    private static final ObjectMapper JSON = Mappers.json();

    private final PrintWriter err;

    ImportEvents(PrintWriter err) {
        this.err = err;
    }

    private ObjectNode event(String type, String disk) {
        ObjectNode e = JSON.createObjectNode();
        e.put("time", Instant.now().toString()).put("event", type).put("disk", disk);
        return e;
    }

    @Override
    public void phase(String disk, Phase phase, String detail) {
        emit(event("phase", disk).put("phase", phase.name().toLowerCase(Locale.ROOT)).put("detail", detail));
    }

    @Override
    public void progress(Progress p) {
        emit(event("progress", p.disk()).put("done", p.done()).put("total", p.total()).put("wireBytes", p.wireBytes())
                .put("bytesPerSecond", Math.round(p.bytesPerSecond())));
    }

    @Override
    public void retry(String disk, int attempt, String cause, Duration delay) {
        emit(event("retry", disk).put("attempt", attempt).put("cause", cause).put("delayMillis", delay.toMillis()));
    }

    private synchronized void emit(ObjectNode e) {
        err.println(e.toString());
        err.flush();
    }
}
