package dev.kvmigrate.converter;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Compares text with a golden file under {@code src/test/resources}, showing a line diff on mismatch.
 * Regenerate every golden file with {@code mvn -pl converter -am verify -Dgolden.update=true} and review the
 * diff in git before committing.
 */
final class Golden {
    static final Path ROOT = Path.of("src/test/resources/dev/kvmigrate/converter/golden");

    private Golden() {}

    static void assertMatches(String name, String actual) {
        Path file = ROOT.resolve(name);
        try {
            if (Boolean.getBoolean("golden.update")) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual);
                return;
            }
            if (!Files.exists(file)) {
                fail("golden file " + file + " is missing; create it with -Dgolden.update=true");
            }
            String expected = Files.readString(file);
            if (!expected.equals(actual)) {
                fail("output differs from golden file " + file + " (regenerate with -Dgolden.update=true and review"
                        + " the git diff):\n" + diff(expected, actual));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first differing line with three lines of context, expected (-) against actual (+). */
    static String diff(String expected, String actual) {
        List<String> e = expected.lines().toList();
        List<String> a = actual.lines().toList();
        int i = 0;
        while (i < e.size() && i < a.size() && e.get(i).equals(a.get(i))) {
            i++;
        }
        StringBuilder s = new StringBuilder("@@ line " + (i + 1) + " @@\n");
        for (int k = Math.max(0, i - 3); k < i; k++) {
            s.append("  ").append(e.get(k)).append('\n');
        }
        for (int k = i; k < Math.min(e.size(), i + 4); k++) {
            s.append("- ").append(e.get(k)).append('\n');
        }
        for (int k = i; k < Math.min(a.size(), i + 4); k++) {
            s.append("+ ").append(a.get(k)).append('\n');
        }
        return s.toString();
    }
}
