package dev.kvmigrate.plans.run;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.io.AtomicFile;
import dev.kvmigrate.plans.model.LoadedPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code plan cancel}: a request file {@code <plan>.cancel} beside the journal, which a run polls between steps
 * and between chunks of a disk transfer. A cancelled run stops its VMs where they are — in-flight transfers
 * aborted, every step that stopped recorded FAILED as cancelled, VMs not begun left untouched — and ends with exit
 * code 130, like Ctrl-C; {@code plan run --resume} finishes it. A run removes a request it finds when it starts.
 */
public final class PlanCancel {
    private static final long POLL_NANOS = 250_000_000L;
    /** No cancel file: the runner never asks the file system. */
    static final PlanCancel NEVER = new PlanCancel(null);

    private final Path file;
    private volatile boolean cancelled;
    private volatile long lastPoll;

    private PlanCancel(Path file) {
        this.file = file;
    }

    /** The request file of a plan. */
    public static Path file(LoadedPlan lp) {
        return lp.stateFile(".cancel");
    }

    /** The watch of a run that holds the plan's journal; removes a request left from before. */
    static PlanCancel watch(LoadedPlan lp) {
        Path f = file(lp);
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw KvMigrateException.io("cannot remove the stale cancel request " + f + ": " + e.getMessage(), e);
        }
        return new PlanCancel(f);
    }

    /**
     * Asks the run of the plan in progress to stop.
     *
     * @return whether a run was in progress (nothing is written otherwise)
     */
    public static boolean request(LoadedPlan lp) {
        if (!Journal.isHeld(lp.journal())) {
            return false;
        }
        AtomicFile.write(file(lp), "cancel requested " + Instant.now() + "\n");
        return true;
    }

    /** Whether a cancel was requested; reads the file system at most every 250 ms. */
    public boolean requested() {
        if (cancelled || file == null) {
            return cancelled;
        }
        long now = System.nanoTime();
        if (now - lastPoll >= POLL_NANOS) {
            lastPoll = now;
            cancelled = Files.exists(file);
        }
        return cancelled;
    }

    /** Throws the cancellation when one was requested. */
    void check(String where) {
        if (requested()) {
            throw new KvMigrateException(ExitCode.INTERRUPTED, "cancelled by `plan cancel` " + where
                    + "; `plan run --resume` continues");
        }
    }

    /** Removes the request once the run has stopped (so that --resume does not stop at once). */
    void clear() {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the next run removes it when it starts
            }
        }
    }
}
