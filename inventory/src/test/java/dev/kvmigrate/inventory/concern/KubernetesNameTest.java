package dev.kvmigrate.inventory.concern;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KubernetesNameTest {
    @ParameterizedTest
    @CsvSource({
        "cad-ws-01, cad-ws-01, true",
        "Legacy_DB.04, legacy-db-04, false",
        "'  spaces  and__more ', spaces-and-more, false",
        "-lead-trail-, lead-trail, false",
        "Ünïcode VM, n-code-vm, false",
        "___, vm, false",
        "007, 007, true"
    })
    void namesBecomeRfc1123Labels(String source, String expected, boolean valid) {
        assertThat(KubernetesName.of(source)).isEqualTo(expected);
        assertThat(KubernetesName.isValid(source)).isEqualTo(valid);
        assertThat(KubernetesName.isValid(KubernetesName.of(source))).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"64", "100", "300"})
    void longNamesAreCutTo63WithoutTrailingDash(int length) {
        String name = "a".repeat(62) + "_" + "b".repeat(length - 63);
        String k = KubernetesName.of(name);
        assertThat(k).hasSizeLessThanOrEqualTo(63).doesNotEndWith("-");
        assertThat(KubernetesName.isValid(k)).isTrue();
    }
}
