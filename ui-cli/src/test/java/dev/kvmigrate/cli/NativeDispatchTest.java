package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeDispatchTest {
    @Test
    void copiesThisPlatformsLibraryByteForByteAndReplacesAnOlderCopy(@TempDir Path dir) throws Exception {
        Path lib = dir.resolve("jna");
        Files.createDirectories(lib);
        Files.writeString(lib.resolve(System.mapLibraryName("jnidispatch")), "an older copy");

        Path copied = NativeDispatch.copy(lib).orElseThrow();

        assertThat(copied).isEqualTo(lib.resolve(System.mapLibraryName("jnidispatch")));
        try (InputStream in = Native.class.getResourceAsStream("/com/sun/jna/" + Platform.RESOURCE_PREFIX + "/"
                + System.mapLibraryName("jnidispatch"))) {
            assertThat(Files.readAllBytes(copied)).isEqualTo(in.readAllBytes());
        }
        try (var files = Files.list(lib)) {
            assertThat(files).containsExactly(copied); // no temporary file left
        }
    }

    @Test
    void findsTheDirectoryOfEachInstalledLibraryAndLeavesOutWhatIsNotInstalled() {
        // libvirt0 is installed wherever the tests run (.ci/run installs it)
        var dirs = NativeDispatch.libraryDirectories(java.util.List.of("virt", "kv-migrate-no-such-library", "virt"));
        assertThat(dirs).hasSize(1);
        try (var files = Files.list(Path.of(dirs.get(0)))) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.startsWith("libvirt.so"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(NativeDispatch.libraryDirectories(java.util.List.of("kv-migrate-no-such-library"))).isEmpty();
    }
}
