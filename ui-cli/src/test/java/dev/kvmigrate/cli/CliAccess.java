package dev.kvmigrate.cli;

/** The in-process CLI runner, for tests in sub-packages. */
public final class CliAccess {
    private CliAccess() {}

    /** What a run printed and returned. */
    public record Run(int code, String out, String err) {}

    public static Run run(String... args) {
        CliRun r = CliRun.run(args);
        return new Run(r.code(), r.out(), r.err());
    }
}
