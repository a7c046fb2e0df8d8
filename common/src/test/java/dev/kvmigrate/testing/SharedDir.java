package dev.kvmigrate.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code ../shared} folder beside the checkout (fixtures, real OpenAPI schemas). The build passes its path
 * as system property {@code kvmigrate.shared}; tests that need it skip, with the reason, when it is absent.
 * Nothing from it is ever copied into the repository.
 */
public final class SharedDir {
    private SharedDir() {}

    /**
     * The shared folder, or the calling test is skipped (JUnit assumption) naming what is missing. Under
     * {@code CI=true}, where ../shared is always there, its absence fails the test instead.
     */
    public static Path require() {
        String prop = System.getProperty("kvmigrate.shared");
        Path dir = prop != null ? Path.of(prop) : Path.of("..", "..", "shared");
        present(Files.isDirectory(dir), "../shared (fixtures and schemas) is absent at "
                + dir.toAbsolutePath().normalize() + "; run the tests from a checkout that has ../shared beside it");
        return dir.toAbsolutePath().normalize();
    }

    /** A file or folder under the shared folder; the test is skipped (failed under CI=true) when it is absent. */
    public static Path require(String relative) {
        Path p = require().resolve(relative);
        present(Files.exists(p), p + " is absent from ../shared");
        return p;
    }

    /** Skips the calling test (JUnit assumption) unless {@code there}; under {@code CI=true} fails it instead. */
    static void present(boolean there, String what) {
        if (!there && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true but " + what);
        }
        assumeTrue(there, () -> "skipped: " + what);
    }
}
