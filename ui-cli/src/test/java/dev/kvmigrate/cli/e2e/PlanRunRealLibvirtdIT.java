package dev.kvmigrate.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.cli.CliAccess;
import dev.kvmigrate.importer.sink.DirectorySink;
import dev.kvmigrate.testing.RealLibvirtd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan run} from a real libvirt daemon ({@code qemu:///system}, and the same daemon as a remote host over
 * {@code qemu+ssh://} through the loopback sshd of {@code .ci/libvirtd-setup}) into the directory target and the
 * cluster stand-in: pool volumes (qcow2 and raw, sizes from the pool) and a file outside any pool (size from
 * {@code virDomainGetBlockInfo}; over ssh its bytes through a transient pool) arrive byte-identical; a running
 * domain (QEMU sitting in its firmware, which never honours ACPI) is refused, times out under {@code shutdown} with
 * nothing copied, and is powered off under {@code destroy}.
 *
 * <p>Everything it makes on the daemon is named {@code kvmit-run-*} under
 * {@code /var/lib/libvirt/images/kvmit-run-<random>} and removed afterwards.
 */
class PlanRunRealLibvirtdIT {
    static final long SIZE_A = 96L << 20;
    static final long SIZE_B = 48L << 20;
    static final String POOL = "kvmit-run-pool";
    static final List<String> DOMAINS = List.of("kvmit-run-vols", "kvmit-run-file", "kvmit-run-live");

    @TempDir
    static Path images;
    static Path rawA;
    static Path rawB;
    static Path home;

    @TempDir
    Path tmp;

    @BeforeAll
    static void daemon() throws Exception {
        String uri = RealLibvirtd.require();
        rawA = SourceImages.raw(images.resolve("a.raw"), SIZE_A, 1);
        rawB = SourceImages.raw(images.resolve("b.raw"), SIZE_B, 2);
        home = Files.createDirectories(Path.of("/var/lib/libvirt/images/kvmit-run-" + UUID.randomUUID()
                .toString().substring(0, 8)));
        Path pool = Files.createDirectories(home.resolve("pool"));
        Path files = Files.createDirectories(home.resolve("files"));
        SourceImages.convert(rawA, pool.resolve("kvmit-run-root.qcow2"), "qcow2");
        Files.copy(rawB, pool.resolve("kvmit-run-data.raw"));
        Files.copy(rawB, files.resolve("kvmit-run-outside.raw"));
        Path live = files.resolve("kvmit-run-live.raw");
        SourceImages.raw(live, 16L << 20, 3);
        cleanUp(uri);
        virsh(uri, "pool-create-as", POOL, "dir", "--target", pool.toString());
        define(uri, "kvmit-run-vols", "<disk type='volume' device='disk'><driver name='qemu' type='qcow2'/>"
                + "<source pool='" + POOL + "' volume='kvmit-run-root.qcow2'/><target dev='vda' bus='virtio'/>"
                + "</disk><disk type='volume' device='disk'><driver name='qemu' type='raw'/><source pool='" + POOL
                + "' volume='kvmit-run-data.raw'/><target dev='vdb' bus='virtio'/></disk>");
        define(uri, "kvmit-run-file", file(files.resolve("kvmit-run-outside.raw"), "vda"));
        define(uri, "kvmit-run-live", file(live, "vda"));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (home != null) {
            cleanUp(RealLibvirtd.LOCAL);
            try (Stream<Path> all = Files.walk(home)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void cleanUp(String uri) throws Exception {
        for (String d : DOMAINS) {
            virshQuiet(uri, "destroy", d);
            virshQuiet(uri, "undefine", d);
        }
        virshQuiet(uri, "pool-destroy", POOL);
    }

    private static String file(Path path, String target) {
        return "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='" + path
                + "'/><target dev='" + target + "' bus='virtio'/></disk>";
    }

    /** A small domain with no OS: started, QEMU sits in its firmware (no bootable disk) and ignores ACPI. */
    private static void define(String uri, String name, String disks) throws Exception {
        Path xml = Files.writeString(images.resolve(name + ".xml"), "<domain type='" + RealLibvirtd.domainType()
                + "'><name>" + name + "</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                + "<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type><boot dev='hd'/></os>"
                + "<features><acpi/></features><devices><emulator>/usr/bin/qemu-system-x86_64</emulator>" + disks
                + "<graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices></domain>");
        virsh(uri, "define", xml.toString());
    }

    static String virsh(String uri, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("virsh", "-c", uri));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    private static void virshQuiet(String uri, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("virsh", "-c", uri));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        p.waitFor(60, TimeUnit.SECONDS);
    }

    private static Map<Path, Path> sources() {
        return Map.of(Path.of("kvmit-run-root.qcow2"), rawA, Path.of("kvmit-run-data.raw"), rawB,
                Path.of("kvmit-run-outside.raw"), rawB);
    }

    @Test
    void poolVolumesAndAFileOutsideAnyPoolFromQemuSystem() throws Exception {
        PlanRuns.both(tmp, "libvirt-local", "libvirt: \"" + RealLibvirtd.require() + "\"",
                "[kvmit-run-vols, kvmit-run-file]", sources());
    }

    @Test
    void theSameOverQemuSshWhereNothingIsReadAsALocalFile() throws Exception {
        String remote = RealLibvirtd.requireRemote();
        Path before = pools();
        PlanRuns.both(tmp, "libvirt-ssh", "libvirt: \"" + remote + "\"", "[kvmit-run-vols, kvmit-run-file]",
                sources());
        assertThat(pools()).as("the source host's pools are as they were").hasSameTextualContentAs(before);
    }

    private Path pools() throws Exception {
        return Files.writeString(tmp.resolve("pools-" + System.nanoTime()), virsh(RealLibvirtd.LOCAL,
                "pool-list", "--all", "--name"));
    }

    private Path livePlan(String name, String runningVm) throws Exception {
        Path plan = tmp.resolve(name + ".yaml");
        Files.writeString(plan, "apiVersion: kv-migrate.dev/v1alpha1\nkind: MigrationPlan\nmetadata: {name: " + name
                + "}\nsource: {libvirt: \"" + RealLibvirtd.LOCAL + "\"}\ntarget: dir:out-" + name
                + "\nvms: {names: [kvmit-run-live]}\noptions: {runningVm: " + runningVm + "}\n");
        return plan;
    }

    @Test
    void aRunningDomainIsRefusedTimesOutUnderShutdownAndIsPoweredOffUnderDestroy() throws Exception {
        String uri = RealLibvirtd.require();
        virsh(uri, "start", "kvmit-run-live");
        try {
            CliAccess.Run refused = CliAccess.run("plan", "run", livePlan("refuse", "{policy: refuse}").toString());
            assertThat(refused.code()).as(refused.out() + refused.err()).isNotZero();
            assertThat(refused.out() + refused.err()).contains("VM kvmit-run-live is RUNNING on the source",
                    "options.runningVm.policy: shutdown");

            long t0 = System.nanoTime();
            CliAccess.Run timedOut = CliAccess.run("plan", "run", livePlan("shutdown",
                    "{policy: shutdown, timeout: 3s}").toString());
            assertThat(timedOut.code()).as(timedOut.out() + timedOut.err()).isNotZero();
            assertThat((System.nanoTime() - t0) / 1e9).as("the timeout ends it").isLessThan(60);
            assertThat(timedOut.out() + timedOut.err()).contains("VM kvmit-run-live is still running",
                    "3 s after a graceful shutdown request", "nothing of it was copied",
                    "options.runningVm.timeout", "options.runningVm.policy: destroy");
            assertThat(virsh(uri, "domstate", "kvmit-run-live")).contains("running");
            try (Stream<Path> disks = Files.exists(tmp.resolve("out-shutdown/disks"))
                    ? Files.list(tmp.resolve("out-shutdown/disks")) : Stream.empty()) {
                assertThat(disks.toList()).as("nothing copied").isEmpty();
            }

            CliAccess.Run destroyed = CliAccess.run("plan", "run", livePlan("destroy", "{policy: destroy}")
                    .toString());
            assertThat(destroyed.code()).as(destroyed.out() + destroyed.err()).isZero();
            assertThat(virsh(uri, "domstate", "kvmit-run-live")).contains("shut off");
            SourceImages.assertIdentical(home.resolve("files/kvmit-run-live.raw"),
                    new DirectorySink(tmp.resolve("out-destroy/disks"), "kvmit-run-live-vda").file(),
                    "the powered-off VM's disk");
        } finally {
            virshQuiet(uri, "destroy", "kvmit-run-live");
        }
    }
}
