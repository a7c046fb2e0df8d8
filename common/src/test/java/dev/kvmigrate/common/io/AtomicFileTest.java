package dev.kvmigrate.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir Path dir;

    @Test
    void writesTheWholeTextAndCreatesParents() throws IOException {
        Path file = dir.resolve("a/b/report.json");
        AtomicFile.write(file, "{\"ü\": 1}\n");
        assertThat(Files.readString(file)).isEqualTo("{\"ü\": 1}\n");
        AtomicFile.write(file, "");
        assertThat(Files.readString(file)).isEmpty();
        assertThat(siblings(file.getParent())).containsExactly("report.json");
    }

    @Test
    void replacesAnExistingFile() throws IOException {
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, "old and longer than the new text\n");
        AtomicFile.write(file, "new\n");
        assertThat(Files.readString(file)).isEqualTo("new\n");
        assertThat(siblings(dir)).containsExactly("plan.yaml");
    }

    @Test
    void aFailedWriteLeavesNoPartialFileAndTheOldOneIntact() throws IOException {
        // the target is a non-empty directory: the temp file is written, the rename fails
        Path blocked = Files.createDirectories(dir.resolve("out.yaml"));
        Files.writeString(blocked.resolve("keep"), "kept");
        assertThatThrownBy(() -> AtomicFile.write(blocked, "x".repeat(100_000)))
                .isInstanceOfSatisfying(KvMigrateException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.IO_ERROR))
                .hasMessageStartingWith("cannot write " + blocked + ": ")
                .hasMessageEndingWith("; check that its directory is writable and has space");
        assertThat(siblings(dir)).containsExactly("out.yaml");
        assertThat(Files.readString(blocked.resolve("keep"))).isEqualTo("kept");
    }

    @Test
    void aParentThatIsAFileFailsWithTheFileNamed() throws IOException {
        Path notADir = Files.writeString(dir.resolve("plain"), "x");
        assertThatThrownBy(() -> AtomicFile.write(notADir.resolve("child.txt"), "y"))
                .isInstanceOf(KvMigrateException.class)
                .hasMessageContaining(notADir.resolve("child.txt").toString());
        assertThat(Files.readString(notADir)).isEqualTo("x");
    }

    @Test
    void readersSeeTheOldOrTheNewContentNeverAPart() throws Exception {
        Path file = dir.resolve("status.json");
        String a = "a".repeat(1 << 20);
        String b = "b".repeat(1 << 20);
        AtomicFile.write(file, a);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                try {
                    String s = Files.readString(file);
                    if (!s.equals(a) && !s.equals(b)) {
                        torn.set("read " + s.length() + " chars");
                    }
                } catch (IOException e) {
                    torn.set("file missing while being replaced: " + e);
                }
            }
        });
        reader.start();
        for (int i = 0; i < 40; i++) {
            AtomicFile.write(file, i % 2 == 0 ? b : a);
        }
        done.set(true);
        reader.join();
        assertThat(torn.get()).isNull();
        assertThat(siblings(dir)).containsExactly("status.json");
    }

    @Test
    void sharedFilesAreReadableByAllLikeAnyNewFile() throws IOException {
        assumeThat(posix()).isTrue();
        Path file = dir.resolve("report.html");
        AtomicFile.write(file, "<html/>");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(asNewFile("rw-r--r--"))
                .contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)
                .doesNotContain(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE,
                        PosixFilePermission.OWNER_EXECUTE);
    }

    @Test
    void ownerOnlyFilesAreReadableByTheOwnerOnlyEvenWhenReplacingAReadableOne() throws IOException {
        assumeThat(posix()).isTrue();
        Path file = dir.resolve("engine.conf");
        AtomicFile.write(file, "shared");
        AtomicFile.write(file, "secret", AtomicFile.Access.OWNER_ONLY);
        assertThat(Files.readString(file)).isEqualTo("secret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    /** What a file created with {@code mode} gets here, the umask applied. */
    private Set<PosixFilePermission> asNewFile(String mode) throws IOException {
        Path probe = Files.createFile(dir.resolve(".probe"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        try {
            return Files.getPosixFilePermissions(probe);
        } finally {
            Files.delete(probe);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static java.util.List<String> siblings(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
