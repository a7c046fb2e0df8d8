package dev.kvmigrate.inventory.ovirt;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;

/** The engine answered an error status; the status lets callers react to the few they can handle. */
final class EngineStatusException extends KvMigrateException {
    private static final long serialVersionUID = 1L;

    private final int status;

    EngineStatusException(int status, String message) {
        super(ExitCode.SOURCE_UNREACHABLE, message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
