package dev.kvmigrate.cli.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.kvmigrate.converter.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Stages hand each other typed values: nobody outside the converter walks an object tree the converter built, and
 * no main code outside {@code validate} reads a {@code kv-migrate.dev/*} annotation back as input from another
 * stage. (The importer's own upload record on a populated volume, {@code kv-migrate.dev/imported-*}, is not a
 * hand-off: the importer writes it and checks it on the target as proof that this image landed.)
 */
class HandOffRulesTest {
    /** The main classes of every module, read from the modules' build output (fast: no jar scanning). */
    private static final JavaClasses MAIN = new ClassFileImporter()
            .importPaths(Stream.of("common", "inventory", "converter", "importer", "plans", "ui-cli", "bench")
                    .map(m -> repoRoot().resolve(m).resolve("target/classes")).filter(Files::isDirectory).toList());

    /** A read of an annotation: a lookup call whose key is a kv-migrate.dev/ string or an annotation constant. */
    private static final Pattern ANNOTATION_READ = Pattern.compile(
            "(\\.get|\\.path|\\.at|\\.has|\\.getOrDefault|\\.containsKey)\\(\\s*(\"kv-migrate\\.dev/|[\\w.]*ANNOTATION)");

    @Test
    void onlyTheConverterWalksTheTreesItBuilt() {
        assertThat(MAIN.size()).as("main classes imported").isGreaterThan(100);
        noClasses().that().resideOutsideOfPackage("dev.kvmigrate.converter..")
                .should().callMethod(Manifest.class, "tree")
                .because("downstream stages take typed values from the migration unit; they render or send"
                        + " objects whole (Manifest.render, Manifest.toResource)")
                .check(MAIN);
    }

    @Test
    void noMainCodeOutsideValidateReadsOurAnnotationsBack() throws IOException {
        Path root = repoRoot();
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))
                    .filter(p -> !p.toString().contains("/dev/kvmigrate/converter/validate/"))
                    .toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (ANNOTATION_READ.matcher(lines.get(i)).find()) {
                        offenders.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(offenders).as("annotation reads outside validate").isEmpty();
    }

    @Test
    void theAnnotationRuleCatchesWhatItIsFor() {
        assertThat(ANNOTATION_READ.matcher("long size = ann.path(\"kv-migrate.dev/virtual-size\").asLong(0);")
                .find()).isTrue();
        assertThat(ANNOTATION_READ.matcher("meta.getAnnotations().get(VmConverter.ANNOTATION_PREFIX + \"x\")")
                .find()).isTrue();
        assertThat(ANNOTATION_READ.matcher("annotations.put(\"kv-migrate.dev/source-vm\", vm.name());").find())
                .isFalse();
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("ui-cli")) ) {
            p = p.getParent();
        }
        assertThat(p).as("repository root above " + Path.of("").toAbsolutePath()).isNotNull();
        return p;
    }
}
