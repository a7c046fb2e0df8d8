package dev.kvmigrate.cli;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * JNA's native dispatch library, copied once out of the JNA jar into a directory the {@code kv-migrate} launcher names
 * in {@code jna.boot.library.path}. Without it, every JVM that touches libvirt extracts the library from the jar into
 * a new temporary file (whose random name initializes the security providers) and loads that: about 40 ms of each
 * {@code scan} or {@code import} from libvirt, measured here. The launcher makes the copy with the class-data
 * archive, again whenever the jars change, so the copy always matches the JNA it loads (JNA refuses another version).
 *
 * <p>Usage: {@code NativeDispatch DIR}; exits 1 when the jar has no library for this platform (JNA then extracts as
 * before, where it can).
 */
public final class NativeDispatch {
    private NativeDispatch() {}

    public static void main(String[] args) throws IOException {
        System.exit(copy(Path.of(args[0])).isPresent() ? 0 : 1);
    }

    /** Copies this platform's library into {@code dir} (atomically replacing an older one); its path, if any. */
    static Optional<Path> copy(Path dir) throws IOException {
        String name = System.mapLibraryName("jnidispatch");
        try (InputStream in = Native.class.getResourceAsStream("/com/sun/jna/" + Platform.RESOURCE_PREFIX + "/"
                + name)) {
            if (in == null) {
                return Optional.empty();
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, name, ".part");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return Optional.of(Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING));
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
