package dev.kvmigrate.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kvmigrate.testing.SharedDir;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Regression mode: every seed (from ../shared/fixtures and our examples) and every committed finding goes through
 * its fuzz target; each must end in a result or an input error within the time bound — no other exception (exit
 * 70 at the CLI), no StackOverflowError, no OutOfMemoryError, no hang.
 */
class FuzzRegressionTest {
    static final Duration PER_INPUT = Duration.ofSeconds(20);

    @TestFactory
    Stream<DynamicTest> everySeedAndFindingEndsInAResultOrAnInputError() {
        Path repo = repoRoot();
        Path shared = SharedDir.require("fixtures");
        List<DynamicTest> tests = new ArrayList<>();
        for (FuzzTargets t : FuzzTargets.values()) {
            List<Path> inputs = new ArrayList<>(t.seeds(repo, shared));
            inputs.addAll(t.findings(repo));
            assertThat(inputs).as(t + " has seeds").isNotEmpty();
            Method entry = entry(t);
            for (Path input : inputs) {
                tests.add(DynamicTest.dynamicTest(t + " " + repoOrShared(repo, shared, input), () -> {
                    byte[] data = Files.readAllBytes(input);
                    assertTimeoutPreemptively(PER_INPUT, () -> invoke(entry, data), () -> t + " hangs on " + input);
                }));
            }
        }
        return tests.stream();
    }

    private static void invoke(Method entry, byte[] data) throws Throwable {
        try {
            entry.invoke(null, (Object) data);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static Method entry(FuzzTargets t) {
        try {
            return t.target().getMethod("fuzzerTestOneInput", byte[].class);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(t + ": no fuzzerTestOneInput(byte[])", e);
        }
    }

    private static String repoOrShared(Path repo, Path shared, Path p) {
        return p.startsWith(shared) ? "shared/" + shared.relativize(p) : repo.relativize(p).toString();
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("fuzz"))) {
            p = p.getParent();
        }
        assertThat(p).as("repository root").isNotNull();
        return p;
    }
}
