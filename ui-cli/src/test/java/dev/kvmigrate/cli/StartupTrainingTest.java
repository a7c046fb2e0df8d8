package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The launcher's training run fails quietly by design (a failed step only leaves its classes out of the class-data
 * archive), so a renamed option would go unnoticed there: here every step must run as a user's would.
 */
class StartupTrainingTest {
    /** The bundled example, as the launcher passes it. */
    private static final Path EXAMPLE = Path.of("..", "examples", "gpu-host");

    @Test
    void everyStepRunsAndTheTrainingLeavesNothingBehind() throws Exception {
        assertThat(EXAMPLE).isDirectory();
        long before = trainingDirs();
        List<Integer> codes = StartupTraining.train(EXAMPLE);
        // --help, scan, convert (the example's disk images are not made: its VMs are blocked, exit 1), validate,
        // validate against a cluster that does not answer (unreachable, exit 4), the example plan's disks and its
        // run, the test:/// scan, the import
        assertThat(codes).containsExactly(0, 0, 1, 0, 4, 0, 0, 0, 0);
        assertThat(trainingDirs()).isEqualTo(before);
    }

    @Test
    void withoutTheExampleTheOtherStepsStillRun() throws Exception {
        assertThat(StartupTraining.train(null)).containsExactly(0, 0, 0);
    }

    @Test
    void preloadLoadsEveryClassOfTheAnchorsJarAndNothingFromAClassDirectory() throws Exception {
        // JNA comes from its jar on the test class path; its manifest names no other jar
        long inJar;
        try (var jar = new java.util.jar.JarFile(Path.of(com.sun.jna.Native.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()).toFile())) {
            inJar = jar.stream().filter(e -> e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/")
                    && !e.getName().endsWith("module-info.class")).count();
        }
        assertThat(StartupTraining.preload(com.sun.jna.Native.class)).isPositive().isLessThanOrEqualTo((int) inJar)
                .isGreaterThan((int) (inJar * 9 / 10));
        assertThat(StartupTraining.preload(StartupTraining.class)).isZero();
    }

    private static long trainingDirs() throws Exception {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("kv-migrate-training-")).count();
        }
    }
}
