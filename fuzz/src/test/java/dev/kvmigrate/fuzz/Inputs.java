package dev.kvmigrate.fuzz;

import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every fuzz target shares: an input error ({@link KvMigrateException}: a clear message and a documented exit
 * code) is the expected answer to garbage; anything else that escapes (a RuntimeException the CLI would report as
 * exit 70, a StackOverflowError, an OutOfMemoryError) is a finding.
 */
public final class Inputs {
    private Inputs() {}

    /** The input as text (malformed UTF-8 replaced, as a reader that does not decode strictly would see it). */
    public static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Runs a parse; an input error is an accepted outcome. */
    public static void expectInputErrorsOnly(ThrowingRunnable parse) {
        try {
            parse.run();
        } catch (KvMigrateException expected) {
            // the documented answer to bad input
        } catch (IOException e) {
            throw new UncheckedIOException("I/O error outside the input's control", e);
        }
    }

    /** The input written to one reused temporary file per thread, for parsers that read files. */
    public static Path file(byte[] data, String suffix) {
        try {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "kv-migrate-fuzz-" + ProcessHandle.current().pid());
            Files.createDirectories(dir);
            Path f = dir.resolve("input-" + Thread.currentThread().getId() + suffix);
            Files.write(f, data);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Jazzer's {@code fuzzerInitialize}: runs the target once on a few tiny inputs so that class loading and
     * instrumentation (seconds) do not count against the first input's time limit.
     */
    public static void warmUp(java.util.function.Consumer<byte[]> target) {
        for (String s : new String[] {"", "<a/>", "{}", "a: 1\n", "QFI\u00fb"}) {
            try {
                target.accept(s.getBytes(StandardCharsets.ISO_8859_1));
            } catch (RuntimeException | Error e) {
                // warm-up only: findings are for the fuzzing runs to report
            }
        }
    }

    /** A parse that may throw checked I/O errors. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws IOException;
    }
}
