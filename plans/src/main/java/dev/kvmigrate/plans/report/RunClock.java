package dev.kvmigrate.plans.report;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The time base of a report's charts and table: seconds since the run started, and how long a span the charts must
 * show (the run's wall time, stretched to anything recorded after it). Times are parsed once per page: parsing is
 * most of the cost of placing a VM.
 */
final class RunClock {
    private final Instant origin;
    private final double span;
    private final Map<String, Optional<Double>> offsets = new HashMap<>();

    private RunClock(Instant origin, double span) {
        this.origin = origin;
        this.span = span;
    }

    /** The clock of a report; empty when its start is not an ISO-8601 instant. */
    static Optional<RunClock> of(RunReport r) {
        Optional<Instant> origin = parse(r.startedAt());
        if (origin.isEmpty()) {
            return Optional.empty();
        }
        RunClock base = new RunClock(origin.get(), 0);
        double span = r.wallSeconds();
        for (VmReport vm : r.vms()) {
            span = Math.max(span, vm.finishedAt().flatMap(base::offset).orElse(0.0));
            for (DiskReport d : vm.disks()) {
                span = Math.max(span, d.finishedAt().flatMap(base::offset).orElse(0.0));
            }
        }
        for (ThroughputSample s : r.throughput()) {
            span = Math.max(span, s.secondsSinceStart() + 1);
        }
        return Optional.of(new RunClock(origin.get(), span > 0 ? span : 1));
    }

    /** Seconds the charts span, more than zero. */
    double span() {
        return span;
    }

    /** Seconds from the run's start to {@code iso}; empty when it is not an ISO-8601 instant. */
    Optional<Double> offset(String iso) {
        return offsets.computeIfAbsent(iso, t -> parse(t).map(i -> Duration.between(origin, i).toNanos() / 1e9));
    }

    private static Optional<Instant> parse(String iso) {
        try {
            return Optional.of(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
