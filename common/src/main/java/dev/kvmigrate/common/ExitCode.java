package dev.kvmigrate.common;

/**
 * The process exit codes of {@code kv-migrate}, documented in {@code --help} and the README.
 * Scripts and CI pipelines gate on them, so the numbers never change once released.
 */
public enum ExitCode {
    /** Everything worked and nothing needs attention. */
    OK(0, "success"),
    /** The work ran, but it produced findings (blockers, schema violations) or some items failed. */
    FINDINGS(1, "findings or failed items"),
    /** The command line was wrong: unknown option, missing argument, bad value. */
    USAGE(2, "usage error"),
    /** An input file or object was malformed or inconsistent (inventory, plan, XML, mapping). */
    INVALID_INPUT(3, "invalid input"),
    /** The source (libvirt host, oVirt engine, OVA) could not be reached or refused us. */
    SOURCE_UNREACHABLE(4, "source unreachable"),
    /** The target (cluster API, CDI upload proxy, directory sink) failed or refused the work. */
    TARGET_ERROR(5, "target error"),
    /** Reading or writing a local file failed. */
    IO_ERROR(6, "I/O error"),
    /** A bug in kv-migrate; run again with --debug and report the stack trace. */
    INTERNAL(70, "internal error"),
    /** Interrupted by the user (Ctrl-C); partial work was rolled back or marked unfinished. */
    INTERRUPTED(130, "interrupted");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
