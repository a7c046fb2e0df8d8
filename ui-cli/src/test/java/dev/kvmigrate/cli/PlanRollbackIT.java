package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.plans.run.Journal;
import dev.kvmigrate.plans.run.RunState;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan run --only VM --rollback} from the command line, on the example into a directory: the VM's files are
 * removed (other VMs' stay), the journal marks it rolled back, {@code --resume} migrates it again; usage errors
 * exit 2.
 */
class PlanRollbackIT {
    @TempDir
    Path tmp;

    @Test
    void rollbackRemovesOneVmAndResumeStartsItOver() throws Exception {
        Path plan = ExampleCopy.into(tmp, null);
        assertThat(CliRun.run("plan", "example-disks", tmp.resolve("gpu-host").toString()).code()).isZero();
        assertThat(CliRun.run("plan", "run", plan.toString()).code()).isZero();
        Path out = tmp.resolve("out/gpu-host");

        CliRun noOnly = CliRun.run("plan", "run", plan.toString(), "--rollback");
        assertThat(noOnly.code()).as(noOnly.out() + noOnly.err()).isEqualTo(2);
        assertThat(noOnly.err()).contains("--rollback takes --only VM");

        CliRun rb = CliRun.run("plan", "run", plan.toString(), "--only", "web-03", "--rollback");
        assertThat(rb.code()).as(rb.out() + rb.err()).isZero();
        assertThat(rb.out()).contains("web-03: removed", "VirtualMachine/web-03", "disk/web-03-vda.img",
                "source: offline", "rolled back 1 of 1 VM(s)", "--resume");
        assertThat(out.resolve("virtualmachine-web-03.yaml")).doesNotExist();
        assertThat(out.resolve("disks/web-03-vda.img")).doesNotExist();
        assertThat(out.resolve("virtualmachine-designer-ws-01.yaml")).exists();
        RunState s = RunState.of(Journal.read(tmp.resolve("plan.yaml.journal")));
        assertThat(s.vm("web-03").orElseThrow().steps()).containsOnlyKeys("rollback");

        CliRun resume = CliRun.run("plan", "run", plan.toString(), "--resume");
        assertThat(resume.code()).as(resume.out() + resume.err()).isZero();
        assertThat(out.resolve("virtualmachine-web-03.yaml")).exists();
        assertThat(out.resolve("disks/web-03-vda.img")).exists();
    }
}
