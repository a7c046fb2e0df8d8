package dev.kvmigrate.plans.model;

import dev.kvmigrate.common.Quantities;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a plan runs.
 *
 * @param concurrency VMs migrated at once (disks of a VM run in parallel within the same budget)
 * @param bandwidth global transfer cap, a rate read by {@link Quantities#bytesPerSecond}: {@code 100M} is 10^8
 *     bytes/s, {@code 100Mi} 100·2^20, {@code /s} optional; absent: none
 * @param compression wire encoding for uploads: {@code auto}, {@code zstd}, {@code gzip}, {@code none}
 * @param runningVm what to do with a source VM that is running
 * @param runStrategy the target VM's {@code spec.runStrategy}; absent: what the converter derived
 * @param startAfterImport start the VM on the target and wait until it runs
 * @param keepMacs keep the source MAC addresses (default true)
 * @param rollback what a VM's failure puts back on the source
 */
public record PlanOptions(Optional<Integer> concurrency, Optional<String> bandwidth, Optional<String> compression,
        Optional<RunningVm> runningVm, Optional<String> runStrategy, Optional<Boolean> startAfterImport,
        Optional<Boolean> keepMacs, Optional<Rollback> rollback) {
    public static final PlanOptions DEFAULTS = new PlanOptions(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    static final Set<String> COMPRESSIONS = Set.of("auto", "zstd", "gzip", "none");
    static final Set<String> RUN_STRATEGIES = Set.of("Always", "Halted", "Manual", "RerunOnFailure", "Once");

    /**
     * The running source VM policy.
     *
     * @param timeout how long a graceful shutdown may take ({@code 5m}, {@code 90s}); default 5 minutes
     */
    public record RunningVm(RunningVmPolicy policy, Optional<String> timeout) {
        public RunningVm {
            policy = Objects.requireNonNullElse(policy, RunningVmPolicy.REFUSE);
            timeout = Objects.requireNonNullElse(timeout, Optional.empty());
            timeout.ifPresent(t -> Durations.parse(t, "options.runningVm.timeout"));
        }

        public Duration timeoutOrDefault() {
            return timeout.map(t -> Durations.parse(t, "options.runningVm.timeout")).orElse(Duration.ofMinutes(5));
        }
    }

    /**
     * What a VM's failure puts back.
     *
     * @param restartSource start the source VM again when the run powered it off and the VM then failed before its
     *     target VM was started (default true)
     */
    public record Rollback(Optional<Boolean> restartSource) {
        public Rollback {
            restartSource = Objects.requireNonNullElse(restartSource, Optional.empty());
        }
    }

    public PlanOptions {
        rollback = Objects.requireNonNullElse(rollback, Optional.empty());
        concurrency = Objects.requireNonNullElse(concurrency, Optional.empty());
        bandwidth = Objects.requireNonNullElse(bandwidth, Optional.empty());
        compression = Objects.requireNonNullElse(compression, Optional.empty());
        runningVm = Objects.requireNonNullElse(runningVm, Optional.empty());
        runStrategy = Objects.requireNonNullElse(runStrategy, Optional.empty());
        startAfterImport = Objects.requireNonNullElse(startAfterImport, Optional.empty());
        keepMacs = Objects.requireNonNullElse(keepMacs, Optional.empty());
        concurrency.ifPresent(c -> {
            if (c < 1 || c > 64) {
                throw new IllegalArgumentException("options.concurrency " + c + " is outside 1..64");
            }
        });
        bandwidth.ifPresent(b -> Quantities.bytesPerSecond(b, "options.bandwidth"));
        compression.ifPresent(c -> {
            if (!COMPRESSIONS.contains(c)) {
                throw new IllegalArgumentException("options.compression '" + c + "' is not one of auto, zstd, gzip,"
                        + " none");
            }
        });
        runStrategy.ifPresent(s -> {
            if (!RUN_STRATEGIES.contains(s)) {
                throw new IllegalArgumentException("options.runStrategy '" + s + "' is not one of Always, Halted,"
                        + " Manual, RerunOnFailure, Once");
            }
        });
    }

    public int concurrencyOrDefault() {
        return concurrency.orElse(2);
    }

    public RunningVm runningVmOrDefault() {
        return runningVm.orElse(new RunningVm(RunningVmPolicy.REFUSE, Optional.empty()));
    }

    public boolean start() {
        return startAfterImport.orElse(false);
    }

    /** Whether a failed VM's source, powered off by the run, is started again ({@code options.rollback.restartSource}). */
    public boolean restartSourceOrDefault() {
        return rollback.flatMap(Rollback::restartSource).orElse(true);
    }

    public boolean keepMacsOrDefault() {
        return keepMacs.orElse(true);
    }
}
