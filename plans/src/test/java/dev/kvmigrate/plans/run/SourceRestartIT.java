package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.PowerControl;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.testing.RealLibvirtd;
import dev.kvmigrate.testing.ovirt.OvirtStandIn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM that fails after the run powered its source off gets its source back: on a real libvirt daemon
 * ({@code qemu:///system}; a running domain without an OS, powered off under {@code policy: destroy} since it never
 * honours ACPI, then a disk copy that fails) the domain runs again afterwards, and {@code --rollback} starts a
 * source that {@code restartSource: false} left off; the oVirt stand-in sees the {@code start} action.
 *
 * <p>Everything it makes on the daemon is named {@code kvmit-rb-*} and removed afterwards.
 */
class SourceRestartIT {
    static final String DOMAIN = "kvmit-rb-live";

    @TempDir
    Path tmp;
    Path home;

    @AfterEach
    void cleanUp() throws Exception {
        if (home != null) {
            virshQuiet("destroy", DOMAIN);
            virshQuiet("undefine", DOMAIN);
            try (Stream<Path> all = Files.walk(home)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String virsh(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("virsh", "-c", RealLibvirtd.LOCAL));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    private static void virshQuiet(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("virsh", "-c", RealLibvirtd.LOCAL));
        cmd.addAll(List.of(args));
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                .waitFor(60, TimeUnit.SECONDS);
    }

    /** A domain with no OS and one small raw disk, started: QEMU sits in its firmware. */
    private void runningDomain() throws Exception {
        RealLibvirtd.require();
        home = Files.createDirectories(Path.of("/var/lib/libvirt/images/kvmit-rb-" + UUID.randomUUID().toString()
                .substring(0, 8)));
        Path disk = home.resolve("kvmit-rb-live.raw");
        try (var ch = java.nio.channels.FileChannel.open(disk, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap("kv-migrate rollback".getBytes()), 0);
            ch.truncate(8L << 20);
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}), (8L << 20) - 1);
        }
        virshQuiet("destroy", DOMAIN);
        virshQuiet("undefine", DOMAIN);
        Path xml = Files.writeString(home.resolve(DOMAIN + ".xml"), "<domain type='" + RealLibvirtd.domainType()
                + "'><name>" + DOMAIN + "</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                + "<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type><boot dev='hd'/></os>"
                + "<features><acpi/></features><devices><emulator>/usr/bin/qemu-system-x86_64</emulator>"
                + "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='" + disk
                + "'/><target dev='vda' bus='virtio'/></disk>"
                + "<graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices></domain>");
        virsh("define", xml.toString());
        virsh("start", DOMAIN);
        assertThat(virsh("domstate", DOMAIN)).contains("running");
    }

    private Path plan(String name, String source, String vm, String options) throws IOException {
        return Files.writeString(tmp.resolve(name + ".yaml"), "apiVersion: kv-migrate.dev/v1alpha1\nkind:"
                + " MigrationPlan\nmetadata: {name: " + name + "}\nsource: {" + source + "}\ntarget: dir:out-" + name
                + "\nvms: {names: [" + vm + "]}\noptions: {" + options + "}\n");
    }

    /** Runs the plan with a disk copy that always fails; returns the VM's journal state. */
    private RunState.VmState failingRun(Path planFile, String vm) {
        LoadedPlan lp = PlanReader.read(planFile);
        PlanConversion.Prepared p = ExampleHost.prepare(planFile);
        CopyingDisks disks = new CopyingDisks(DirectoryTarget.disksDir(lp.targetDir()));
        disks.fail = dv -> true;
        try (PowerControl power = PlanSources.power(lp).orElseThrow();
                Journal j = Journal.open(lp.journal());
                DirectoryTarget t = new DirectoryTarget(lp.targetDir(), lp.plan().name(), disks)) {
            PlanRunner.Outcome o = PlanRunner.run(p, t, Optional.of(power), j, new PlanRunner.Settings(false,
                    Set.of(), Optional.empty()), RunListener.NONE);
            assertThat(o.vms()).containsEntry(vm, false);
        }
        return RunState.of(Journal.read(lp.journal())).vm(vm).orElseThrow();
    }

    @Test
    void aLibvirtSourcePoweredOffByTheRunRunsAgainAfterTheVmFails() throws Exception {
        runningDomain();
        RunState.VmState s = failingRun(plan("kvmit-rb-restart", "libvirt: \"" + RealLibvirtd.LOCAL + "\"", DOMAIN,
                "runningVm: {policy: destroy}"), DOMAIN);
        assertThat(s.steps().get("source-power").message().orElseThrow()).contains("powered off without asking");
        assertThat(s.error().orElseThrow()).contains("injected failure");
        assertThat(s.sourceRestart().orElseThrow().state()).as(s.toString()).isEqualTo(StepState.SUCCEEDED);
        assertThat(virsh("domstate", DOMAIN)).contains("running");
    }

    @Test
    void rollbackStartsALibvirtSourceThatRestartSourceFalseLeftOff() throws Exception {
        runningDomain();
        Path planFile = plan("kvmit-rb-left", "libvirt: \"" + RealLibvirtd.LOCAL + "\"", DOMAIN,
                "runningVm: {policy: destroy}, rollback: {restartSource: false}");
        RunState.VmState s = failingRun(planFile, DOMAIN);
        assertThat(s.sourceStoppedByPlan()).isTrue();
        assertThat(virsh("domstate", DOMAIN)).contains("shut off");
        LoadedPlan lp = PlanReader.read(planFile);
        PlanConversion.Prepared p = ExampleHost.prepare(planFile);
        Map<String, PlanRollback.VmRollback> rb;
        try (PowerControl power = PlanSources.power(lp).orElseThrow();
                Journal j = Journal.open(lp.journal());
                DirectoryTarget t = new DirectoryTarget(lp.targetDir(), lp.plan().name(), new CopyingDisks(
                        DirectoryTarget.disksDir(lp.targetDir())))) {
            rb = PlanRollback.run(p, t, Optional.of(power), j, Set.of(DOMAIN), RunListener.NONE);
        }
        assertThat(rb.get(DOMAIN).source()).contains("source restarted");
        assertThat(virsh("domstate", DOMAIN)).contains("running");
    }

    @Test
    void theOvirtStandInSeesTheStartAction() throws Exception {
        Path raw = tmp.resolve("root.raw");
        try (var ch = java.nio.channels.FileChannel.open(raw, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {7}), (4L << 20) - 1);
        }
        try (OvirtStandIn engine = OvirtStandIn.startTls(tmp.resolve("engine-work"))) {
            OvirtStandIn.Vm vm = engine.addVm("kvmit-rb-vm1", new OvirtStandIn.Disk(
                    "5b2a9c1e-0000-4000-8000-0000000000c3", raw));
            engine.powerOn("kvmit-rb-vm1");
            Files.writeString(tmp.resolve("pw"), OvirtStandIn.PASSWORD + "\n");
            RunState.VmState s = failingRun(plan("kvmit-rb-ovirt", "ovirt: {url: \"" + engine.apiUrl() + "\", user: "
                    + OvirtStandIn.USER + ", passwordFile: pw, caFile: \"" + engine.caFile().orElseThrow()
                    .toAbsolutePath() + "\"}", "kvmit-rb-vm1", "runningVm: {policy: shutdown, timeout: 30s}"),
                    "kvmit-rb-vm1");
            assertThat(s.sourceRestart().orElseThrow().state()).as(s.toString()).isEqualTo(StepState.SUCCEEDED);
            List<String> requests = engine.requests();
            int shutdown = requests.indexOf("POST /ovirt-engine/api/vms/" + vm.id() + "/shutdown");
            int start = requests.indexOf("POST /ovirt-engine/api/vms/" + vm.id() + "/start");
            assertThat(shutdown).as(requests.toString()).isNotNegative();
            assertThat(start).as("started after the shutdown: " + requests).isGreaterThan(shutdown);
            assertThat(engine.status("kvmit-rb-vm1")).isEqualTo("up");
        }
    }
}
