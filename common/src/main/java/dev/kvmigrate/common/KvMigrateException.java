package dev.kvmigrate.common;

import java.util.Objects;

/**
 * The one unchecked exception root of kv-migrate. Each area has a subclass; every instance carries the
 * exit code the CLI returns and a message that names the object at fault and, where one exists, the fix.
 *
 * <p>Messages are written for the person at the terminal: {@code "VM cad-ws-01: vGPU type nvidia-230 has
 * no resource mapping; add a gpuMap entry"}, never {@code "An error has occurred."}.
 */
public class KvMigrateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ExitCode exitCode;

    public KvMigrateException(ExitCode exitCode, String message) {
        this(exitCode, message, null);
    }

    public KvMigrateException(ExitCode exitCode, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.exitCode = Objects.requireNonNull(exitCode, "exitCode");
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    /** A file or object we were given is malformed; the message says which and how to fix it. */
    public static KvMigrateException invalidInput(String message) {
        return new KvMigrateException(ExitCode.INVALID_INPUT, message);
    }

    public static KvMigrateException invalidInput(String message, Throwable cause) {
        return new KvMigrateException(ExitCode.INVALID_INPUT, message, cause);
    }

    /** The source could not be reached or refused us. */
    public static KvMigrateException sourceUnreachable(String message, Throwable cause) {
        return new KvMigrateException(ExitCode.SOURCE_UNREACHABLE, message, cause);
    }

    /** The target failed or refused the work. */
    public static KvMigrateException targetError(String message, Throwable cause) {
        return new KvMigrateException(ExitCode.TARGET_ERROR, message, cause);
    }

    /** A local read or write failed. */
    public static KvMigrateException io(String message, Throwable cause) {
        return new KvMigrateException(ExitCode.IO_ERROR, message, cause);
    }

    /** The innermost cause of {@code t} (a cause that is its own cause ends the walk); {@code t} when it has none. */
    public static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
