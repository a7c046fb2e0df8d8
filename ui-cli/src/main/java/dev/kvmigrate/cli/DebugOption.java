package dev.kvmigrate.cli;

import picocli.CommandLine.Option;

/** {@code --debug}: stack traces and debug logs on stderr. Read early by {@link KvMigrate#configureLogging}. */
final class DebugOption {
    @Option(names = "--debug", description = "Print debug logs and stack traces on stderr.")
    boolean debug;
}
