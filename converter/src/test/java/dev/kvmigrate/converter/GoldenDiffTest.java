package dev.kvmigrate.converter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GoldenDiffTest {
    @Test
    void diffShowsContextAndBothSidesOfTheFirstDifference() {
        String d = Golden.diff("a\nb\nc\nd\ne\n", "a\nb\nc\nX\ne\n");
        assertThat(d).startsWith("@@ line 4 @@\n").contains("  c\n").contains("- d\n").contains("+ X\n");
    }

    @Test
    void diffOfAMissingTailShowsOnlyTheExpectedLines() {
        assertThat(Golden.diff("a\nb\n", "a\n")).isEqualTo("@@ line 2 @@\n  a\n- b\n");
    }
}
