package dev.kvmigrate.inventory.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.json.Mappers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A file of the wrong shape is explained in the words of its author (fields, lists, mappings, numbers), with file,
 * line, column and field path — never with Java type names such as {@code java.util.LinkedHashMap<…>}.
 */
class ReadErrorsTest {
    /** A small stand-in for the records the readers bind (plan, mappings, inventory). */
    record Doc(String name, List<String> tags, Map<String, Integer> sizes, Shape shape, Mode mode, boolean on) {}

    record Shape(int cpus) {}

    enum Mode { fast, safe }

    private static final ObjectMapper YAML = Mappers.yaml();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "name: [1]|doc.yaml:1:7 at name: expected a string, found a list",
        "tags: {a: b}|doc.yaml:1:7 at tags: expected a list, found a mapping",
        "sizes: [1]|doc.yaml:1:8 at sizes: expected a mapping (key: value), found a list",
        "sizes: {a: many}|doc.yaml:1:12 at sizes.a: 'many' is not a number",
        "shape: [1]|doc.yaml:1:8 at shape: expected a mapping (key: value), found a list",
        "mode: quick|doc.yaml:1:7 at mode: 'quick' is not one of fast, safe",
        "on: {x: 1}|doc.yaml:1:5 at on: expected true or false, found a mapping",
        "nmae: x|doc.yaml:1:8 at nmae: unknown field 'nmae' (known here: mode, name, on, shape, sizes, tags)",
    })
    void wrongShapesAreExplainedWithoutJavaTypeNames(String yaml, String expected) {
        KvMigrateException e = catchThrowableOfType(KvMigrateException.class, () -> read(yaml));
        assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(e.getMessage()).startsWith(expected).doesNotContain("java.", "`", "dev.kvmigrate", "class ");
    }

    private static Doc read(String yaml) {
        try {
            return YAML.readValue(yaml, Doc.class);
        } catch (JsonProcessingException e) {
            throw ReadErrors.invalidInput("doc.yaml", e, "YAML", "");
        }
    }
}
