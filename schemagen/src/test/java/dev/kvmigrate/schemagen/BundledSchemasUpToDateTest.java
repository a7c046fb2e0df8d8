package dev.kvmigrate.schemagen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schemas committed in the converter are exactly what the generator writes from ../shared today. */
class BundledSchemasUpToDateTest {
    private static final Path COMMITTED = Path.of("..").resolve(SchemaGen.RESOURCES);

    @Test
    void committedSchemasMatchARegeneration(@TempDir Path tmp) throws IOException {
        SchemaGen.write(SchemaGen.generate(SharedDir.require("schemas")), tmp);
        assertThat(names(COMMITTED)).as("files in %s; run tools/gen-schemas", COMMITTED).isEqualTo(names(tmp));
        for (String name : names(tmp)) {
            assertThat(Files.readAllBytes(COMMITTED.resolve(name)))
                    .as("%s differs from a regeneration; run tools/gen-schemas", COMMITTED.resolve(name))
                    .isEqualTo(Files.readAllBytes(tmp.resolve(name)));
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
