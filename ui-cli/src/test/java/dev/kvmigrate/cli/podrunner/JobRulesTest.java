package dev.kvmigrate.cli.podrunner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pod runner's pure rules: the status' index intervals, container path translation, {@code $(VAR)} expansion. */
class JobRulesTest {
    @TempDir
    Path tmp;

    @Test
    void intervalFormatIsKubernetes() {
        assertThat(JobRules.intervals(List.of())).isEmpty();
        assertThat(JobRules.intervals(List.of(0))).isEqualTo("0");
        assertThat(JobRules.intervals(List.of(5, 0, 1, 2))).isEqualTo("0-2,5");
        assertThat(JobRules.intervals(List.of(1, 3, 4, 7, 8, 9))).isEqualTo("1,3-4,7-9");
    }

    @Test
    void containerPathsBeginningWithAMountAreTranslated() {
        LaunchSpec s = new LaunchSpec("p", "ns", "j", 0, 1, "main", "i", List.of(), List.of(), Map.of(),
                Map.of("/plan", Path.of("/h/p"), "/work", Path.of("/h/w"), "/work/sub", Path.of("/h/s")),
                Optional.empty(), tmp);
        assertThat(s.translate("/plan/plan.yaml")).isEqualTo("/h/p/plan.yaml");
        assertThat(s.translate("/plan")).isEqualTo("/h/p");
        assertThat(s.translate("/work/sub/x")).isEqualTo("/h/s/x");
        assertThat(s.translate("/work/subway")).isEqualTo("/h/w/subway");
        assertThat(s.translate("/planet")).isEqualTo("/planet");
        assertThat(s.translate("--x=/plan/a")).isEqualTo("--x=/plan/a");
        assertThat(s.translate("plan")).isEqualTo("plan");
        assertThat(s.hostPath("/etc")).isEmpty();
    }

    @Test
    void dollarParenExpansionFollowsKubernetes() {
        Map<String, String> v = Map.of("A", "x", "EMPTY", "");
        assertThat(PodSpecs.expand("$(A)", v)).isEqualTo("x");
        assertThat(PodSpecs.expand("$$(A)", v)).isEqualTo("$(A)");
        assertThat(PodSpecs.expand("$(NOPE)", v)).isEqualTo("$(NOPE)");
        assertThat(PodSpecs.expand("a$(A)b$(EMPTY)c", v)).isEqualTo("axbc");
        assertThat(PodSpecs.expand("$$$(A)", v)).isEqualTo("$x");
        assertThat(PodSpecs.expand("$A $( $", v)).isEqualTo("$A $( $");
        assertThat(PodSpecs.expand("$(A", v)).isEqualTo("$(A");
    }
}
