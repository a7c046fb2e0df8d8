package dev.kvmigrate.common.ovirt;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;

/**
 * The engine's certificate is not trusted, and the CA the engine publishes was fetched only to show it: it is
 * never trusted silently. The message gives its SHA-256 fingerprint and how to save it for {@code --ca-file}.
 */
public final class UntrustedCaException extends KvMigrateException {
    private static final long serialVersionUID = 1L;

    private final String caPem;
    private final String fingerprint;

    UntrustedCaException(String message, String caPem, String fingerprint, Throwable cause) {
        super(ExitCode.SOURCE_UNREACHABLE, message, cause);
        this.caPem = caPem;
        this.fingerprint = fingerprint;
    }

    /** The CA certificate the engine published, PEM, for the user to compare and save. */
    public String caPem() {
        return caPem;
    }

    /** SHA-256 fingerprint of that CA, {@code AB:CD:…}. */
    public String sha256Fingerprint() {
        return fingerprint;
    }
}
