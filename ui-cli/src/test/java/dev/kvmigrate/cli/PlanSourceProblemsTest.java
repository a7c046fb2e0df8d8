package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan over a folder of dumps with a broken one says so, as {@code inventory scan} does, instead of leaving that
 * VM out in silence; the readable VMs are converted.
 */
class PlanSourceProblemsTest {
    @TempDir
    Path tmp;

    @Test
    void aBrokenDumpInThePlansFolderIsNamedAndTheRestIsConverted() throws Exception {
        Path dumps = Files.createDirectories(tmp.resolve("dumps"));
        Files.writeString(dumps.resolve("good.xml"), "<domain type='kvm'><name>good-01</name><memory>1048576</memory>"
                + "<vcpu>1</vcpu><os><type arch='x86_64' machine='q35'>hvm</type></os></domain>");
        Files.writeString(dumps.resolve("cut.xml"), "<domain type='kvm'><name>cut</name><memory>10");
        Path plan = Files.writeString(tmp.resolve("plan.yaml"), "apiVersion: kv-migrate.dev/v1alpha1\n"
                + "kind: MigrationPlan\nmetadata: {name: p}\nsource: {xmlDir: dumps}\ntarget: dir:out\n");
        for (String command : new String[] {"convert", "plan validate"}) {
            CliRun r = command.equals("convert")
                    ? CliRun.run("convert", "--from-plan", plan.toString(), "--out", tmp.resolve("m").toString())
                    : CliRun.run("plan", "validate", plan.toString());
            assertThat(r.err()).as(command).contains("kv-migrate: warning: ", dumps.resolve("cut.xml").toString());
            if (command.equals("convert")) {
                assertThat(r.code()).as(r.err()).isZero();
                assertThat(tmp.resolve("m")).isDirectoryRecursivelyContaining("glob:**good-01*");
            }
        }
    }
}
