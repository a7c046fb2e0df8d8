package dev.kvmigrate.cli;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into one line on stderr and a meaningful exit code. Stack traces appear only with
 * {@code --debug}; a usage error also prints the command's short usage.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler, IExitCodeExceptionMapper {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parseResult) {
        PrintWriter err = cli.getErr();
        boolean debug = parseResult.originalArgs().contains("--debug");
        ExitCode code = exitCodeOf(ex);
        String message = ex instanceof KvMigrateException || ex instanceof ParameterException
                ? ex.getMessage()
                : ex.getClass().getSimpleName() + ": " + ex.getMessage()
                        + (debug ? "" : " (this is a bug in kv-migrate; run again with --debug and report it)");
        err.println(cli.getColorScheme().errorText("kv-migrate: " + message));
        if (debug) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code.code();
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cli = ex.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println(cli.getColorScheme().errorText("kv-migrate: " + ex.getMessage()));
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
            err.println("Run '" + cli.getCommandSpec().qualifiedName() + " --help' for usage.");
        }
        err.flush();
        return ExitCode.USAGE.code();
    }

    @Override
    public int getExitCode(Throwable t) {
        return exitCodeOf(t).code();
    }

    static ExitCode exitCodeOf(Throwable t) {
        if (t instanceof KvMigrateException k) {
            return k.exitCode();
        }
        if (t instanceof ParameterException) {
            return ExitCode.USAGE;
        }
        if (t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException) {
            return ExitCode.IO_ERROR;
        }
        return ExitCode.INTERNAL;
    }
}
