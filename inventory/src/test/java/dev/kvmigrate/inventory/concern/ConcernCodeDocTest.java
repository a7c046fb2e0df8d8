package dev.kvmigrate.inventory.concern;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** {@code docs/concerns.md} must list exactly the codes of {@link ConcernCode}, with their severities and meanings. */
class ConcernCodeDocTest {
    static final Path DOC = Path.of("..", "docs", "concerns.md");

    static String expected() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Concern codes\n\n")
                .append("Every VM in an inventory carries concerns: what the scan found that affects its migration. ")
                .append("Codes are stable (never renamed or reused); messages start with `VM <name>: ` and say the fix.\n\n")
                .append("- **BLOCKER**: migration cannot go ahead until this is fixed on the source or mapped in the plan.\n")
                .append("- **WARNING**: migration goes ahead, but something changes or is lost.\n")
                .append("- **INFO**: worth knowing; nothing is lost.\n\n")
                .append("This file is generated from `dev.kvmigrate.inventory.concern.ConcernCode`; ")
                .append("`ConcernCodeDocTest` fails when the two disagree and prints the expected text.\n\n")
                .append("| code | severity | meaning |\n")
                .append("|---|---|---|\n");
        for (ConcernCode c : ConcernCode.values()) {
            sb.append("| `").append(c.name()).append("` | ").append(c.severity()).append(" | ")
                    .append(c.meaning().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    @Test
    void docMatchesTheEnum() throws IOException {
        String expected = expected();
        if (Boolean.getBoolean("docs.update")) {
            Files.writeString(DOC, expected);
        }
        String actual = Files.exists(DOC) ? Files.readString(DOC) : "(missing)";
        assertThat(actual).as("docs/concerns.md is out of date with ConcernCode; regenerate it with"
                + " mvn -pl inventory -am test -Dtest=ConcernCodeDocTest -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Ddocs.update=true, or replace it with:%n%n%s", expected)
                .isEqualTo(expected);
    }
}
