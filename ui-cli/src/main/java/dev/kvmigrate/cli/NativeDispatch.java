package dev.kvmigrate.cli;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.File;
import com.sun.jna.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * JNA's native dispatch library, copied once out of the JNA jar into a directory the {@code kv-migrate} launcher names
 * in {@code jna.boot.library.path}. Without it, every JVM that touches libvirt extracts the library from the jar into
 * a new temporary file (whose random name initializes the security providers) and loads that: about 40 ms of each
 * {@code scan} or {@code import} from libvirt, measured here. The launcher makes the copy with the class-data
 * archive, again whenever the jars change, so the copy always matches the JNA it loads (JNA refuses another version).
 *
 * <p>It also writes {@link #PLATFORM_PATH} in {@code DIR}: the directories where JNA found the system libraries we load
 * by name (libvirt, the C library), which the launcher passes as {@code jna.platform.library.path}. Without that
 * property JNA builds its search path at each start by running {@code ldconfig -p} in a child process (a fork, an
 * exec and a parse, 20-40 ms of every libvirt command). A library that is not installed is left out; with none found,
 * no file, and JNA searches as before.
 *
 * <p>Usage: {@code NativeDispatch DIR}; exits 1 when the jar has no library for this platform (JNA then extracts as
 * before, where it can).
 */
public final class NativeDispatch {
    private NativeDispatch() {}

    /** The file in the launcher's JNA directory that holds the search path, one line, directories joined by ':'. */
    static final String PLATFORM_PATH = "platform-path";

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        boolean copied = copy(dir).isPresent();
        Files.deleteIfExists(dir.resolve(PLATFORM_PATH));
        String path = String.join(":", libraryDirectories(List.of("virt", "c")));
        if (!path.isEmpty()) {
            Files.writeString(dir.resolve(PLATFORM_PATH), path + "\n");
        }
        System.exit(copied ? 0 : 1);
    }

    /** The directories, in order and without repeats, where JNA finds {@code names}; those it cannot load left out. */
    static List<String> libraryDirectories(List<String> names) {
        Set<String> dirs = new LinkedHashSet<>();
        for (String name : names) {
            try {
                File f = NativeLibrary.getInstance(name).getFile();
                if (f != null && f.getParentFile() != null) {
                    dirs.add(f.getParentFile().getAbsolutePath());
                }
            } catch (UnsatisfiedLinkError e) {
                // not installed here: JNA's own search finds it later, if it is installed then
            }
        }
        return List.copyOf(dirs);
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
