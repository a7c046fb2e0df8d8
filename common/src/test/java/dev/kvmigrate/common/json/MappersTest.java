package dev.kvmigrate.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MappersTest {
    public record Value(String name, Optional<Integer> count, int size, Color color) {}

    public enum Color { RED, GREEN }

    @Test
    void instancesAreShared() {
        assertThat(Mappers.json()).isSameAs(Mappers.json());
        assertThat(Mappers.yaml()).isSameAs(Mappers.yaml());
        assertThat(Mappers.strictYaml()).isSameAs(Mappers.strictYaml());
        assertThat(Mappers.manifestYaml()).isSameAs(Mappers.manifestYaml());
    }

    @Test
    void plainMappersKeepJacksonsDefaultsAndKnowOptional() throws JsonProcessingException {
        Value v = new Value("a", Optional.of(3), 1, Color.RED);
        assertThat(Mappers.json().writeValueAsString(v))
                .isEqualTo("{\"name\":\"a\",\"count\":3,\"size\":1,\"color\":\"RED\"}");
        assertThat(Mappers.prettyJson().writeValueAsString(Mappers.json().readTree("{\"a\":[1]}")))
                .isEqualTo("{\n  \"a\" : [ 1 ]\n}");
        assertThat(Mappers.yaml().writeValueAsString(Mappers.json().readTree("{\"a\":\"1\"}")))
                .isEqualTo("---\na: \"1\"\n");
        assertThat(Mappers.yaml().readValue("name: b\nsize: 2\ncolor: GREEN\n", Value.class))
                .isEqualTo(new Value("b", Optional.empty(), 2, Color.GREEN));
    }

    @Test
    void manifestYamlIsStableForDiffs() throws JsonProcessingException {
        ObjectNode n = Mappers.json().createObjectNode();
        n.put("kind", "VirtualMachine").put("port", "8080").put("on", "yes").put("count", 2)
                .put("text", "word ".repeat(30).strip());
        assertThat(Mappers.manifestYaml().writeValueAsString(n)).isEqualTo("kind: VirtualMachine\nport: \"8080\"\n"
                + "\"on\": \"yes\"\ncount: 2\ntext: " + "word ".repeat(30).strip() + "\n");
    }

    @Test
    void strictReadersRefuseUnknownKeysNullPrimitivesNumberEnumsAndSecondDocuments() {
        assertThatThrownBy(() -> Mappers.strictYaml().readValue("name: a\nsize: 1\ncolour: RED\n", Value.class))
                .isInstanceOf(UnrecognizedPropertyException.class);
        assertThatThrownBy(() -> Mappers.strictYaml().readValue("name: a\nsize: null\n", Value.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() -> Mappers.strictYaml().readValue("name: a\nsize: 1\ncolor: 0\n", Value.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() -> Mappers.strictYaml().readValue("name: a\nsize: 1\n---\nname: b\n", Value.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() -> Mappers.strictJson().readValue("{\"name\":\"a\",\"size\":1} {}", Value.class))
                .isInstanceOf(MismatchedInputException.class);
    }

    @Test
    void strictReadersReadGoodInputAndJsonAsYaml() throws JsonProcessingException {
        assertThat(Mappers.strictYaml().readValue("{\"name\": \"a\", \"count\": 2, \"size\": 1}", Value.class))
                .isEqualTo(new Value("a", Optional.of(2), 1, null));
        assertThat(Mappers.strictJson().readValue("{\"name\":\"a\",\"size\":1,\"color\":\"GREEN\"}", Value.class))
                .isEqualTo(new Value("a", Optional.empty(), 1, Color.GREEN));
    }
}
