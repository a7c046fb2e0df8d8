package dev.kvmigrate.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Shell-style VM selection: the glob table, and no blow-up on crafted patterns (a hostile-input finding). */
class VmSelectorTest {
    @ParameterizedTest
    @CsvSource({
        "cad-*, cad-ws-01, true", "cad-*, render-01, false", "*, anything, true", "'', '', true",
        "cad-ws-0?, cad-ws-01, true", "cad-ws-0?, cad-ws-1, false", "render-[0-9][0-9], render-02, true",
        "render-[!0-9]*, render-a1, true", "render-[!0-9]*, render-1a, false", "[abc]x, bx, true", "[abc]x, dx, false",
        "a[b, a[b, true", "a.b, axb, false", "a.b, a.b, true", "*-01, cad-ws-01, true", "*ws*, cad-ws-01, true",
        "a*b*c, aXbYc, true", "a*b*c, aXbY, false", "[a&&b], a, true", "(x|y), x, false"})
    void globs(String glob, String name, boolean expected) {
        assertThat(VmSelector.globMatches(glob, name)).as(glob + " ~ " + name).isEqualTo(expected);
    }

    @Test
    void crafted_patterns_do_not_backtrack_without_end() {
        String glob = "a*".repeat(2_000) + "b";
        String name = "a".repeat(20_000);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertThat(VmSelector.of(List.of(glob)).matches(name)).isFalse();
            assertThat(VmSelector.of(List.of(glob)).unmatched(List.of(name, name))).containsExactly(glob);
        });
    }
}
