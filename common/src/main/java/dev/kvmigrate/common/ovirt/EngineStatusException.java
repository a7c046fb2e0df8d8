package dev.kvmigrate.common.ovirt;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;

/**
 * The engine answered an error status to an API request; the status lets callers react to the few they can handle
 * (a 400 to an unknown {@code follow}, a 404 for a transfer the engine removed, a 409 for a locked disk).
 */
public final class EngineStatusException extends KvMigrateException {
    private static final long serialVersionUID = 1L;

    private final int status;

    EngineStatusException(int status, String message) {
        super(ExitCode.SOURCE_UNREACHABLE, message);
        this.status = status;
    }

    /** The HTTP status the engine answered. */
    public int status() {
        return status;
    }
}
