package dev.kvmigrate.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvmigrate.cli.CliAccess;
import dev.kvmigrate.cli.podrunner.JobController;
import dev.kvmigrate.cli.podrunner.JobRules;
import dev.kvmigrate.cli.podrunner.KvMigrateLauncher;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.importer.standin.ClusterStandIn;
import dev.kvmigrate.importer.standin.GpuClusters;
import dev.kvmigrate.plans.run.ClusterRunState;
import dev.kvmigrate.plans.run.JournalEntry;
import dev.kvmigrate.plans.run.KubernetesExecutor;
import dev.kvmigrate.plans.run.RunState;
import dev.kvmigrate.plans.run.StepState;
import dev.kvmigrate.testing.SharedDir;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out as a cluster would run it: {@code plan run --executor kubernetes} submits a 12-VM plan (one
 * passthrough GPU each, 6 in the cluster: two GPU waves; concurrency 3) to the cluster stand-in, and the pod runner
 * ({@link JobController}) runs exactly the Jobs it generated, each pod a child JVM of kv-migrate with in-cluster
 * credentials. One pod is killed after its VM's first disk finished; its retry resumes from the run state in the
 * cluster without sending that disk again. A small virt-controller emulation gives each started VirtualMachine a
 * Running VMI.
 */
class ScaleOutIT {
    static final int VMS = 12;
    static final long SMALL = 8L << 20;
    static final long BIG = 64L << 20;
    static final String NS = "default";
    static final ResourceDefinitionContext VM = ctx("VirtualMachine", "virtualmachines");
    static final ResourceDefinitionContext VMI = ctx("VirtualMachineInstance", "virtualmachineinstances");

    @TempDir
    Path tmp;

    static ResourceDefinitionContext ctx(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup("kubevirt.io").withVersion("v1").withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }

    /** A sparse raw image whose first {@code data} bytes are random (seeded), {@code size} bytes long. */
    static Path image(Path file, long size, long data, long seed) throws Exception {
        Files.createDirectories(file.getParent());
        Random r = new Random(seed);
        byte[] block = new byte[1 << 20];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long at = 0; at < data; at += block.length) {
                r.nextBytes(block);
                ch.write(ByteBuffer.wrap(block, 0, (int) Math.min(block.length, data - at)), at);
            }
            ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
        }
        return file;
    }

    static String domain(int i, List<Path> disks) {
        return domain(i, disks, true);
    }

    static String domain(int i, List<Path> disks, boolean gpu) {
        StringBuilder d = new StringBuilder("  <domain type='test'>\n    <name>" + name(i) + "</name>\n"
                + "    <uuid>3f0c1e6a-1b7e-4f8a-9d0e-0c5a3f1e2b" + String.format("%02d", i) + "</uuid>\n"
                + "    <memory unit='GiB'>2</memory>\n    <vcpu>2</vcpu>\n"
                + "    <os><type arch='x86_64' machine='q35'>hvm</type></os>\n    <devices>\n");
        char dev = 'a';
        for (Path disk : disks) {
            d.append("      <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='")
                    .append(disk.toAbsolutePath()).append("'/><target dev='vd").append(dev++)
                    .append("' bus='virtio'/></disk>\n");
        }
        if (gpu) { // one NVIDIA A2 passed through (the node device below)
            d.append("      <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000'"
                    + " bus='0xca' slot='0x00' function='0x0'/></source></hostdev>\n");
        }
        d.append("    </devices>\n    <test:runstate>5</test:runstate>\n  </domain>\n");
        return d.toString();
    }

    static final String HOST_HEAD = "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
            + "  <cpu><mhz>2000</mhz><model>x86_64</model><active>4</active><nodes>1</nodes><sockets>1</sockets>"
            + "<cores>4</cores><threads>1</threads></cpu>\n  <memory>16777216</memory>\n";

    /** A kubeconfig for the stand-in's API server. */
    static Path kubeconfig(Path tmp, KubernetesClient c) throws Exception {
        return Files.writeString(tmp.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n"
                + "  cluster:\n    server: " + c.getMasterUrl() + "\n    insecure-skip-tls-verify: true\n"
                + "contexts:\n- name: mock\n  context: {cluster: mock, user: u, namespace: " + NS + "}\n"
                + "current-context: mock\nusers:\n- name: u\n  user: {token: t}\n");
    }

    static String name(int i) {
        return String.format("farm-%02d", i);
    }

    /** The VM's entries in the cluster, folded. */
    static RunState state(KubernetesClient c, String vm) {
        return RunState.of(new ClusterRunState(c, NS, "farm").entries(vm));
    }

    static boolean diskDone(KubernetesClient c, String vm, String disk) {
        var s = state(c, vm).vm(vm);
        return s.isPresent() && s.get().disks().containsKey(disk)
                && s.get().disks().get(disk).state() == StepState.SUCCEEDED;
    }

    @Test
    void twelveVmsInTwoGpuWavesRunThroughTheGeneratedIndexedJobs() throws Exception {
        Map<String, List<Path>> disks = new TreeMap<>();
        StringBuilder host = new StringBuilder(HOST_HEAD);
        for (int i = 1; i <= VMS; i++) {
            List<Path> mine = new ArrayList<>();
            mine.add(image(tmp.resolve("images/" + name(i) + "-a.raw"), SMALL, 512 << 10, i));
            if (i == 1) { // the largest VM (index 0 of wave 1): a second, slow disk, during which its pod is killed
                mine.add(image(tmp.resolve("images/" + name(i) + "-b.raw"), BIG, 8L << 20, 100));
            }
            disks.put(name(i), mine);
            host.append(domain(i, mine));
        }
        host.append("  <device>\n    <name>pci_0000_ca_00_0</name>\n    <parent>computer</parent>\n"
                + "    <capability type='pci'>\n      <class>0x030200</class>\n      <domain>0</domain><bus>202</bus>"
                + "<slot>0</slot><function>0</function>\n      <product id='0x25b6'>GA107GL [A2 / A16]</product>\n"
                + "      <vendor id='0x10de'>NVIDIA Corporation</vendor>\n      <iommuGroup number='60'><address"
                + " domain='0x0000' bus='0xca' slot='0x00' function='0x0'/></iommuGroup>\n    </capability>\n"
                + "  </device>\n</node>\n");
        Path hostXml = Files.writeString(tmp.resolve("host.xml"), host.toString());

        try (ClusterStandIn cluster = ClusterStandIn.start(tmp.resolve("volumes"),
                SharedDir.require("schemas/cdi-swagger.json"))) {
            KubernetesClient c = cluster.client();
            // 2 nodes × 3 A2 = 6 GPUs for 12 VMs that want one each: two waves
            GpuClusters.legacy(c, Map.of("nvidia.com/GA107GL_A2___A16", 3));
            kubeconfig(tmp, c);
            Path plan = Files.writeString(tmp.resolve("farm.yaml"), "apiVersion: kv-migrate.dev/v1alpha1\n"
                    + "kind: MigrationPlan\nmetadata: {name: farm}\nsource: {libvirt: \"test://" + hostXml + "\"}\n"
                    + "target: {cluster: {kubeconfig: kubeconfig, context: mock, namespace: " + NS
                    + ", uploadProxyUrl: \"" + cluster.uploadProxyUrl() + "\"}}\n"
                    + "mappings:\n  gpus: {\"10de:25b6\": nvidia.com/GA107GL_A2___A16}\n"
                    + "options:\n  concurrency: 3\n  bandwidth: 24M\n  compression: none\n  startAfterImport: true\n");

            CliAccess.Run submit = CliAccess.run("plan", "run", plan.toString(),
                    "--executor", "kubernetes", "--image", "registry.example/kv-migrate:test");
            assertThat(submit.code()).as(submit.out() + submit.err()).isZero();
            assertThat(submit.out()).as(submit.err()).contains("12 VM(s) in 2 wave(s)", "3 pod(s) at a time",
                    "split as 8000000 B/s per pod");

            String wave1 = KubernetesExecutor.waveJob("farm", 1);
            String wave2 = KubernetesExecutor.waveJob("farm", 2);
            List<String> vmsOfWave1 = new ArrayList<>();
            Mappers.json().readTree(c.configMaps().inNamespace(NS).withName("kvm-farm-plan").get().getData()
                    .get("wave-1.json")).forEach(n -> vmsOfWave1.add(n.asText()));
            assertThat(vmsOfWave1).hasSize(6).first().as("largest first").isEqualTo("farm-01");

            Thread virtController = virtController(c);
            try (JobController jobs = new JobController(c, NS, new KvMigrateLauncher(URI.create(c.getMasterUrl()
                    .toString())), tmp.resolve("pods"))) {
                jobs.killWhen(wave1, 0, () -> diskDone(c, "farm-01", "farm-01-vda")
                        && !diskDone(c, "farm-01", "farm-01-vdb"), false);
                Job w1 = jobs.awaitFinished(wave1, Duration.ofMinutes(6));
                Job w2 = jobs.awaitFinished(wave2, Duration.ofMinutes(6));
                Job coordinator = jobs.awaitFinished(KubernetesExecutor.coordinatorJob("farm"), Duration.ofMinutes(1));
                String pods = jobs.pods().toString();
                assertThat(JobRules.finishedCondition(w1).orElseThrow().getType()).as(pods).isEqualTo("Complete");
                assertThat(JobRules.finishedCondition(w2).orElseThrow().getType()).as(pods).isEqualTo("Complete");
                assertThat(JobRules.finishedCondition(coordinator).orElseThrow().getType()).isEqualTo("Complete");
                assertThat(w1.getStatus().getCompletedIndexes()).isEqualTo("0-5");
                assertThat(jobs.pods(wave1)).filteredOn(p -> p.index() == 0).hasSize(2)
                        .first().satisfies(p -> assertThat(p.killed()).isTrue());
                assertThat(jobs.pods(wave2)).hasSize(6);
            } finally {
                virtController.interrupt();
            }

            // from the run state in the cluster: never more than 3 VMs in flight; wave 2 after wave 1
            Map<String, List<JournalEntry>> all = new ClusterRunState(c, NS, "farm").all();
            assertThat(all).hasSize(VMS);
            Map<String, Instant[]> spans = new LinkedHashMap<>();
            all.forEach((vm, entries) -> spans.put(vm, new Instant[] {
                entries.stream().map(e -> Instant.parse(e.time())).min(Instant::compareTo).orElseThrow(),
                entries.stream().map(e -> Instant.parse(e.time())).max(Instant::compareTo).orElseThrow()}));
            assertThat(maxInFlight(spans)).as("VMs in flight at once, from the recorded state").isBetween(2, 3);
            Instant wave1End = vmsOfWave1.stream().map(v -> spans.get(v)[1]).max(Instant::compareTo).orElseThrow();
            spans.forEach((vm, s) -> {
                if (!vmsOfWave1.contains(vm)) {
                    assertThat(s[0]).as(vm + " (wave 2) began after wave 1 ended").isAfter(wave1End);
                }
            });

            // every disk identical; the killed VM's finished disk not sent again
            for (Map.Entry<String, List<Path>> e : disks.entrySet()) {
                RunState.VmState s = RunState.of(all.get(e.getKey())).vm(e.getKey()).orElseThrow();
                assertThat(s.outcome()).as(e.getKey() + " " + s).contains(StepState.SUCCEEDED);
                char dev = 'a';
                for (Path source : e.getValue()) {
                    String dv = e.getKey() + "-vd" + dev++;
                    SourceImages.assertIdentical(source, cluster.volume(NS, dv).orElseThrow().file(), dv);
                }
            }
            assertThat(cluster.volume(NS, "farm-01-vda").orElseThrow().uploads()).as("sent once, before the kill")
                    .isEqualTo(1);
            assertThat(cluster.volume(NS, "farm-01-vdb").orElseThrow().uploads()).as("cut by the kill, sent again")
                    .isEqualTo(2);
            assertThat(cluster.schemaViolations()).isEmpty();

            // the workstation sees it all
            CliAccess.Run status = CliAccess.run("plan", "status", plan.toString(), "--from-cluster", "-o",
                    "json");
            assertThat(status.code()).as(status.out() + status.err()).isZero();
            JsonNode json = Mappers.json().readTree(status.out());
            assertThat(json.toString()).contains("farm-01", "farm-12");
            CliAccess.Run report = CliAccess.run("plan", "status", plan.toString(), "--from-cluster",
                    "--report", tmp.resolve("report").toString());
            assertThat(report.code()).as(report.out() + report.err()).isZero();
            JsonNode r = Mappers.json().readTree(tmp.resolve("report/report.json").toFile());
            assertThat(r.toString()).contains("farm-01", "farm-12");
            assertThat(r.path("bandwidth").asText()).as("the report states each pod's share of the cap")
                    .isEqualTo("8000000 B/s per pod (24M / 3 pods)");
            assertThat(Files.readString(tmp.resolve("report/report.html"))).contains("8000000 B/s per pod");
        }
    }

    @Test
    void aVmThatFailsFailsOnlyItsIndexAfterItsRetries() throws Exception {
        StringBuilder host = new StringBuilder(HOST_HEAD);
        Map<String, Path> disks = new TreeMap<>();
        for (int i = 1; i <= 3; i++) {
            Path disk = image(tmp.resolve("images/" + name(i) + "-a.raw"), SMALL, 256 << 10, i);
            disks.put(name(i), disk);
            host.append(domain(i, List.of(disk), false));
        }
        Path hostXml = Files.writeString(tmp.resolve("host.xml"), host.append("</node>\n").toString());
        try (ClusterStandIn cluster = ClusterStandIn.start(tmp.resolve("volumes"),
                SharedDir.require("schemas/cdi-swagger.json"))) {
            KubernetesClient c = cluster.client();
            kubeconfig(tmp, c);
            Path plan = Files.writeString(tmp.resolve("farm.yaml"), "apiVersion: kv-migrate.dev/v1alpha1\n"
                    + "kind: MigrationPlan\nmetadata: {name: farm}\nsource: {libvirt: \"test://" + hostXml + "\"}\n"
                    + "target: {cluster: {kubeconfig: kubeconfig, context: mock, namespace: " + NS
                    + ", uploadProxyUrl: \"" + cluster.uploadProxyUrl() + "\"}}\noptions: {concurrency: 2}\n");
            CliAccess.Run submit = CliAccess.run("plan", "run", plan.toString(), "--executor", "kubernetes",
                    "--image", "registry.example/kv-migrate:test");
            assertThat(submit.code()).as(submit.out() + submit.err()).isZero();
            assertThat(submit.out()).contains("3 VM(s) in 1 wave(s)", "2 pod(s) at a time");
            List<String> order = new ArrayList<>();
            Mappers.json().readTree(c.configMaps().inNamespace(NS).withName("kvm-farm-plan").get().getData()
                    .get("wave-1.json")).forEach(n -> order.add(n.asText()));
            // farm-02's disk goes away after the submission: its pods cannot send it, whatever they try
            Files.delete(disks.get("farm-02"));
            String wave1 = KubernetesExecutor.waveJob("farm", 1);
            try (JobController jobs = new JobController(c, NS, new KvMigrateLauncher(URI.create(c.getMasterUrl()
                    .toString())), tmp.resolve("pods"))) {
                Job w1 = jobs.awaitFinished(wave1, Duration.ofMinutes(4));
                int failed = order.indexOf("farm-02");
                var condition = JobRules.finishedCondition(w1).orElseThrow();
                assertThat(condition.getType()).as(jobs.pods().toString()).isEqualTo("Failed");
                assertThat(condition.getReason()).isEqualTo("FailedIndexes");
                assertThat(w1.getStatus().getFailedIndexes()).isEqualTo(Integer.toString(failed));
                assertThat(jobs.pods(wave1)).filteredOn(p -> p.index() == failed).as("tried 1 + backoffLimitPerIndex"
                        + " times").hasSize(1 + KubernetesExecutor.RETRIES_PER_VM)
                        .allSatisfy(p -> assertThat(p.exitCode()).isEqualTo(1));
                assertThat(jobs.pods(wave1)).filteredOn(p -> p.index() != failed).hasSize(2)
                        .allSatisfy(p -> assertThat(p.exitCode()).isZero());
            }
            for (String vm : List.of("farm-01", "farm-03")) {
                SourceImages.assertIdentical(disks.get(vm), cluster.volume(NS, vm + "-vda").orElseThrow().file(), vm);
            }
            CliAccess.Run status = CliAccess.run("plan", "status", plan.toString(), "--from-cluster");
            assertThat(status.code()).as(status.out() + status.err()).isZero();
            assertThat(status.out()).contains("farm-01", "farm-02", "farm-03", "FAILED");
            RunState.VmState two = state(c, "farm-02").vm("farm-02").orElseThrow();
            assertThat(two.outcome()).contains(StepState.FAILED);
            assertThat(two.error().orElseThrow()).contains("farm-02");
        }
    }

    /** The most spans overlapping at one instant. */
    static int maxInFlight(Map<String, Instant[]> spans) {
        List<Instant[]> events = new ArrayList<>();
        spans.values().forEach(s -> {
            events.add(new Instant[] {s[0], Instant.MIN});
            events.add(new Instant[] {s[1], Instant.MAX});
        });
        events.sort((a, b) -> a[0].equals(b[0]) ? (a[1] == Instant.MAX ? -1 : 1) : a[0].compareTo(b[0]));
        int now = 0;
        int max = 0;
        for (Instant[] e : events) {
            now += e[1] == Instant.MIN ? 1 : -1;
            max = Math.max(max, now);
        }
        return max;
    }

    /** virt-controller, as far as the start step needs it: a Running VMI for each VM set to run. */
    static Thread virtController(KubernetesClient c) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    for (GenericKubernetesResource vm : c.genericKubernetesResources(VM).inNamespace(NS).list()
                            .getItems()) {
                        Object spec = vm.getAdditionalProperties().get("spec");
                        String name = vm.getMetadata().getName();
                        if (spec instanceof Map<?, ?> m && "Always".equals(m.get("runStrategy"))
                                && c.genericKubernetesResources(VMI).inNamespace(NS).withName(name).get() == null) {
                            GenericKubernetesResource vmi = new GenericKubernetesResource();
                            vmi.setApiVersion("kubevirt.io/v1");
                            vmi.setKind("VirtualMachineInstance");
                            vmi.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
                            vmi.setAdditionalProperty("status", Map.of("phase", "Running"));
                            c.genericKubernetesResources(VMI).inNamespace(NS).resource(vmi).create();
                        }
                    }
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // the mock restarting a watch, a race with a create: the next round reads afresh
                }
            }
        }, "virt-controller");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
