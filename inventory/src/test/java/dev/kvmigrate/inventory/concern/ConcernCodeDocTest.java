package dev.kvmigrate.inventory.concern;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * {@code docs/concerns.md} must list exactly the codes of {@link ConcernCode}, with their stages, severities and
 * meanings.
 */
class ConcernCodeDocTest {
    static final Path DOC = Path.of("..", "docs", "concerns.md");

    static String expected() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Concern codes\n\n")
                .append("Every finding of kv-migrate has a code from this one list: the concerns the scan writes into ")
                .append("the inventory, the concerns `convert` adds (`admin/concerns.yaml`), the findings of `validate` ")
                .append("and of `plan validate`. Messages start with `VM <name>: ` (or the object) and say the fix.\n\n")
                .append("Each code is decided by one **stage**, the first that knows enough to decide it:\n\n")
                .append("- **SCAN**: what the source says (`inventory scan`).\n")
                .append("- **CONVERT**: what the target needs, changes or loses, given the mappings (`convert`).\n")
                .append("- **VALIDATE**: checks on the Kubernetes objects (`validate`).\n")
                .append("- **PLAN**: checks on a whole plan (`plan validate`).\n\n")
                .append("Severities:\n\n")
                .append("- **BLOCKER**: migration cannot go ahead until this is fixed on the source or mapped in the plan.\n")
                .append("- **WARNING**: migration goes ahead, but something changes or is lost.\n")
                .append("- **INFO**: worth knowing; nothing is lost.\n\n")
                .append("One severity rule: a code has the severity its deciding stage gives it. An earlier stage that ")
                .append("sees the fact coming but cannot decide it (the scan does not know the mappings) raises the same ")
                .append("code as a WARNING saying what would resolve it; the deciding stage drops that copy and raises ")
                .append("its own when the fact is still unresolved. So `convert` lists, per VM, the scan's concerns ")
                .append("followed by its own: each fact once, under one code.\n\n")
                .append("Codes change only with a new inventory format version, which reads the old codes ")
                .append("(see [inventory-format.md](inventory-format.md)).\n\n")
                .append("This file is generated from `dev.kvmigrate.inventory.concern.ConcernCode`; ")
                .append("`ConcernCodeDocTest` fails when the two disagree and prints the expected text.\n\n")
                .append("| code | stage | severity | meaning |\n")
                .append("|---|---|---|---|\n");
        for (ConcernCode c : ConcernCode.values()) {
            sb.append("| `").append(c.name()).append("` | ").append(c.stage()).append(" | ").append(c.severity())
                    .append(" | ").append(c.meaning().replace("|", "\\|")).append(" |\n");
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
