package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.KvMigrateException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A run's journal kept in the cluster, one ConfigMap per VM, against fabric8's CRUD mock API server. */
@EnableKubernetesMockClient(crud = true)
class ClusterRunStateTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    private static final AtomicLong CLOCK = new AtomicLong();

    private static JournalEntry entry(long seq, String vm, String step, StepState state, Map<String, String> detail) {
        return new JournalEntry(seq, Instant.parse("2026-03-01T10:00:00Z").plusMillis(CLOCK.incrementAndGet())
                .toString(), Optional.of(vm), step, state, detail);
    }

    private static String ns() {
        return client.getNamespace();
    }

    @Test
    void entriesMakeTheRoundTripThroughOneLabelledConfigMapPerVm() {
        ClusterRunState state = new ClusterRunState(client, ns(), "rt");
        JournalEntry a = entry(1, "Web_03", Step.VM, StepState.STARTED, Map.of("target", "web-03"));
        JournalEntry b = entry(2, "Web_03", "validate", StepState.SUCCEEDED, Map.of("message", "ok — ünïcode"));
        JournalEntry c = entry(1, "db-01", Step.VM, StepState.STARTED, Map.of());
        state.record("Web_03", a);
        state.record("Web_03", b);
        state.record("Web_03", b); // already there: not doubled
        state.record("db-01", c);

        assertThat(state.entries("Web_03")).containsExactly(a, b);
        assertThat(state.entries("nobody")).isEmpty();
        assertThat(state.all()).containsOnlyKeys("Web_03", "db-01");
        assertThat(state.all().get("db-01")).containsExactly(c);

        String name = ClusterRunState.configMapName("rt", "Web_03");
        assertThat(name).matches("kvm-rt-run-web-03-[0-9a-f]{8}")
                .isNotEqualTo(ClusterRunState.configMapName("rt", "web-03"));
        assertThat(ClusterRunState.configMapName("rt", "db-01")).isEqualTo("kvm-rt-run-db-01");
        String longA = "x".repeat(70) + "-a";
        String longB = "x".repeat(70) + "-b";
        assertThat(ClusterRunState.configMapName("rt", longA)).hasSizeLessThanOrEqualTo(63)
                .isNotEqualTo(ClusterRunState.configMapName("rt", longB));
        ConfigMap cm = client.configMaps().inNamespace(ns()).withName(name).get();
        assertThat(cm.getMetadata().getLabels()).containsEntry(PlanConversion.LABEL_PLAN, "rt")
                .containsEntry(PlanConversion.LABEL_VM, "web-03");
        assertThat(cm.getMetadata().getAnnotations()).containsEntry(ClusterRunState.ANNOTATION_VM_NAME, "Web_03");
        assertThat(cm.getData().get(ClusterRunState.DATA_KEY)).isEqualTo(Journal.line(a) + Journal.line(b));
        // another plan's records are not this plan's
        assertThat(new ClusterRunState(client, ns(), "other").all()).isEmpty();
    }

    @Test
    void aConfigMapHoldingAnotherVmsEntriesIsNeverOverwritten() {
        ClusterRunState state = new ClusterRunState(client, ns(), "clash");
        JournalEntry theirs = entry(1, "db-x", Step.VM, StepState.STARTED, Map.of());
        client.configMaps().inNamespace(ns()).resource(new ConfigMapBuilder().withNewMetadata()
                .withName(ClusterRunState.configMapName("clash", "db-02")).endMetadata()
                .addToData(ClusterRunState.DATA_KEY, Journal.line(theirs)).build()).create();
        assertThatThrownBy(() -> state.record("db-02", entry(1, "db-02", Step.VM, StepState.STARTED, Map.of())))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("kvm-clash-run-db-02")
                .hasMessageContaining("entries of VM db-x");
        assertThat(client.configMaps().inNamespace(ns()).withName("kvm-clash-run-db-02").get().getData())
                .containsEntry(ClusterRunState.DATA_KEY, Journal.line(theirs));
    }

    @Test
    void theMockRefusesAStaleResourceVersionWith409() {
        String n = ns();
        client.configMaps().inNamespace(n).resource(new ConfigMapBuilder().withNewMetadata().withName("rv")
                .endMetadata().addToData("k", "1").build()).create();
        ConfigMap first = client.configMaps().inNamespace(n).withName("rv").get();
        ConfigMap second = client.configMaps().inNamespace(n).withName("rv").get();
        first.setData(Map.of("k", "2"));
        client.configMaps().inNamespace(n).resource(first).update();
        second.setData(Map.of("k", "3"));
        assertThatThrownBy(() -> client.configMaps().inNamespace(n).resource(second).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode())
                        .isEqualTo(409));
        assertThat(client.configMaps().inNamespace(n).withName("rv").get().getData()).containsEntry("k", "2");
    }

    @Test
    void twoWritersOfOneVmLoseNothingAndRetryTheirConflicts() throws Exception {
        int each = 40;
        try (KubernetesClient other = server.createClient()) {
            ClusterRunState a = new ClusterRunState(client, ns(), "two");
            ClusterRunState b = new ClusterRunState(other, ns(), "two");
            List<JournalEntry> fromA = new ArrayList<>();
            List<JournalEntry> fromB = new ArrayList<>();
            for (int i = 1; i <= each; i++) {
                fromA.add(entry(i, "vm-1", "validate", StepState.SUCCEEDED, Map.of("writer", "a")));
                fromB.add(entry(i, "vm-1", "validate", StepState.SUCCEEDED, Map.of("writer", "b")));
            }
            CompletableFuture<Void> ra = CompletableFuture.runAsync(() -> fromA.forEach(e -> a.record("vm-1", e)));
            CompletableFuture<Void> rb = CompletableFuture.runAsync(() -> fromB.forEach(e -> b.record("vm-1", e)));
            CompletableFuture.allOf(ra, rb).get();
            List<JournalEntry> there = a.entries("vm-1");
            assertThat(there).hasSize(2 * each).containsAll(fromA).containsAll(fromB);
            // each writer's entries in its own order
            assertThat(there.stream().filter(fromA::contains).toList()).isEqualTo(fromA);
            assertThat(there.stream().filter(fromB::contains).toList()).isEqualTo(fromB);
            System.out.println("two writers: " + a.conflicts() + " + " + b.conflicts() + " conflicts (409) retried");
            assertThat(a.conflicts() + b.conflicts()).as("writes met in between and were re-applied").isPositive();
        }
    }

    @Test
    void progressIsCoalescedAndPushedAtMostEveryInterval() {
        ClusterRunState state = new ClusterRunState(client, ns(), "prog", Duration.ofHours(1));
        state.record("vm-p", entry(1, "vm-p", Step.IMPORT_DISK, StepState.STARTED, Map.of("disk", "d1")));
        for (int i = 1; i <= 20; i++) {
            state.record("vm-p", entry(1 + i, "vm-p", Step.IMPORT_DISK, StepState.PROGRESS, Map.of("disk", "d1",
                    "done", Long.toString(i * 100L), "wire", Long.toString(i * 90L))));
            state.record("vm-p", entry(100 + i, "vm-p", Step.IMPORT_DISK, StepState.PROGRESS, Map.of("disk",
                    "d2", "done", Long.toString(i * 10L))));
        }
        assertThat(state.entries("vm-p")).as("progress waits for the interval").hasSize(1);
        JournalEntry done = entry(200, "vm-p", Step.IMPORT_DISK, StepState.SUCCEEDED, Map.of("disk", "d1",
                "done", "2000", "wire", "1800", "digest", "sha256:ab"));
        state.record("vm-p", done);
        List<JournalEntry> there = state.entries("vm-p");
        assertThat(there).extracting(JournalEntry::state).containsExactly(StepState.STARTED, StepState.PROGRESS,
                StepState.PROGRESS, StepState.SUCCEEDED);
        assertThat(there.get(1).detail("done")).contains("2000");
        assertThat(there.get(2).detail("done")).contains("200");
        assertThat(there.get(3)).isEqualTo(done);
        RunState s = RunState.of(there);
        assertThat(s.vm("vm-p").orElseThrow().disks().get("d1").digest()).contains("sha256:ab");
        assertThat(s.vm("vm-p").orElseThrow().disks().get("d2").done()).isEqualTo(200);

        state.record("vm-p", entry(300, "vm-p", Step.IMPORT_DISK, StepState.PROGRESS, Map.of("disk", "d2",
                "done", "999")));
        state.flush();
        assertThat(state.entries("vm-p")).hasSize(4).last().satisfies(e -> assertThat(e.detail("done"))
                .contains("999"));

        ClusterRunState eager = new ClusterRunState(client, ns(), "prog", Duration.ZERO);
        eager.record("vm-q", entry(1, "vm-q", Step.IMPORT_DISK, StepState.PROGRESS, Map.of("disk", "d1")));
        assertThat(eager.entries("vm-q")).as("the first progress of a VM goes at once").hasSize(1);
    }

    @Test
    void anOversizedRecordDropsOldProgressFirstAndNeverTheRest() {
        ClusterRunState state = new ClusterRunState(client, ns(), "big", Duration.ZERO);
        String pad = "p".repeat(4000);
        List<JournalEntry> entries = new ArrayList<>();
        for (int i = 0; i < 200; i++) { // distinct disks: coalescing keeps them all
            entries.add(entry(i + 1, "vm-b", Step.IMPORT_DISK, StepState.PROGRESS, Map.of("disk", "d" + i,
                    "message", pad)));
        }
        entries.add(entry(500, "vm-b", Step.VM, StepState.SUCCEEDED, Map.of()));
        state.recordAll("vm-b", entries);
        List<JournalEntry> there = state.entries("vm-b");
        assertThat(there.get(there.size() - 1).state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(there.get(0).detail("disk")).as("the oldest progress went").isNotEqualTo(Optional.of("d0"));
        assertThat(String.join("", there.stream().map(Journal::line).toList()).getBytes(StandardCharsets.UTF_8))
                .hasSizeLessThanOrEqualTo(ClusterRunState.LIMIT_BYTES);

        List<JournalEntry> steps = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            steps.add(entry(i + 1, "vm-c", "pre-hook", StepState.FAILED, Map.of("message", pad)));
        }
        assertThatThrownBy(() -> state.recordAll("vm-c", steps)).isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("ConfigMap " + ns() + "/kvm-big-run-vm-c")
                .hasMessageContaining("no progress entries left to drop");
        assertThat(state.entries("vm-c")).isEmpty();
    }

    /**
     * 1,000 VMs: every VM's object is built by the code that writes it and measured; the fabric8 mock scans its whole
     * store on every request (1,000 objects took a minute), so 100 of them also go through the API and are measured
     * as stored (with the server's metadata) and listed back.
     */
    @Test
    void aThousandVmsKeepEveryObjectFarBelowOneMebibyte() {
        String plan = "fleet-migration-2026-wave-a";
        ClusterRunState state = new ClusterRunState(client, ns(), plan, Duration.ZERO);
        int vms = 1000;
        int written = 100;
        int largest = 0;
        String which = "";
        for (int v = 0; v < vms; v++) {
            String vm = String.format("prod-app-cluster-node-%04d.datacenter-east.example.com", v);
            List<JournalEntry> journal = journal(vm);
            ConfigMap cm = state.object(vm, journal);
            int size = Serialization.asJson(cm).getBytes(StandardCharsets.UTF_8).length;
            if (size > largest) {
                largest = size;
                which = cm.getMetadata().getName();
            }
            if (v < written) {
                state.recordAll(vm, journal);
            }
        }
        List<ConfigMap> items = client.configMaps().inNamespace(ns()).withLabel(PlanConversion.LABEL_PLAN, plan)
                .list().getItems();
        assertThat(items).hasSize(written);
        int largestStored = items.stream().mapToInt(cm -> Serialization.asJson(cm).getBytes(StandardCharsets.UTF_8)
                .length).max().orElseThrow();
        System.out.println(vms + " VMs: largest run ConfigMap " + which + " is " + largest + " bytes ("
                + String.format("%.1f", largest / 1024.0) + " KiB of the API server's 1 MiB); as stored by the API"
                + " (metadata added), largest of " + written + ": " + largestStored + " bytes");
        assertThat(largest).isLessThan(ClusterRunState.LIMIT_BYTES);
        assertThat(largestStored).isLessThan(1024 * 1024).isLessThan(largest + 1024);
        Map<String, List<JournalEntry>> all = state.all();
        assertThat(all).hasSize(written);
        assertThat(all.values()).allSatisfy(es -> assertThat(es).hasSize(38));
    }

    /**
     * A realistic record of a VM with 4 disks: ~40 entries, as a pipeline writes them (validate, hooks, power, 4
     * DataVolumes, per disk a start, coalesced progress and a digest, the VM and its start), long messages included.
     */
    private static List<JournalEntry> journal(String vm) {
        List<JournalEntry> out = new ArrayList<>();
        long seq = 0;
        out.add(entry(++seq, vm, Step.VM, StepState.STARTED, Map.of("target", vm.replace('.', '-'))));
        for (Step s : List.of(Step.VALIDATE, Step.PRE_HOOK, Step.SOURCE_POWER, Step.CREATE_DATAVOLUMES,
                Step.IMPORT_DISKS)) {
            out.add(entry(++seq, vm, s.id(), StepState.STARTED, Map.of()));
            out.add(entry(++seq, vm, s.id(), StepState.SUCCEEDED, Map.of("message", s == Step.SOURCE_POWER
                    ? "powered off through the hypervisor (guest agent did not answer in 300 s)" : "ok",
                    "poweredOff", "true")));
        }
        for (int d = 0; d < 4; d++) {
            String disk = vm.replace('.', '-') + "-disk-" + d;
            out.add(entry(++seq, vm, Step.IMPORT_DISK, StepState.STARTED, Map.of("disk", disk, "total",
                    "107374182400")));
            for (int p = 1; p <= 3; p++) {
                out.add(entry(++seq, vm, Step.IMPORT_DISK, StepState.PROGRESS, Map.of("disk", disk, "done",
                        Long.toString(p * 30_000_000_000L), "total", "107374182400", "wire",
                        Long.toString(p * 21_000_000_000L), "rate", "123456789.5")));
            }
            out.add(entry(++seq, vm, Step.IMPORT_DISK, StepState.FAILED, Map.of("disk", disk, "error",
                    "upload to https://cdi-uploadproxy.cdi.svc:443/v1beta1/upload failed: connection reset by peer"
                            + " after 53687091200 bytes; resumable")));
            out.add(entry(++seq, vm, Step.IMPORT_DISK, StepState.STARTED, Map.of("disk", disk, "total",
                    "107374182400")));
            out.add(entry(++seq, vm, Step.IMPORT_DISK, StepState.SUCCEEDED, Map.of("disk", disk, "done",
                    "107374182400", "total", "107374182400", "wire", "75161927680", "digest", "sha256:"
                            + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")));
        }
        for (Step s : List.of(Step.CREATE_VM, Step.START, Step.POST_HOOK)) {
            out.add(entry(++seq, vm, s.id(), StepState.STARTED, Map.of()));
            out.add(entry(++seq, vm, s.id(), StepState.SUCCEEDED, Map.of("message", "ok")));
        }
        out.add(entry(++seq, vm, Step.VM, StepState.SUCCEEDED, Map.of("target", vm.replace('.', '-'))));
        return out;
    }
}
