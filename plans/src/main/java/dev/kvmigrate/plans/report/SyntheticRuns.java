package dev.kvmigrate.plans.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.InventoryCodec;
import dev.kvmigrate.plans.model.LoadedPlan;
import dev.kvmigrate.plans.model.PlanReader;
import dev.kvmigrate.plans.run.DiskWork;
import dev.kvmigrate.plans.run.JournalEntry;
import dev.kvmigrate.plans.run.PlanConversion;
import dev.kvmigrate.plans.run.ReportBuilder;
import dev.kvmigrate.plans.run.RunState;
import dev.kvmigrate.plans.run.Step;
import dev.kvmigrate.plans.run.StepState;
import dev.kvmigrate.plans.run.VmWork;
import dev.kvmigrate.plans.run.Waves;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Synthetic plan runs, for the report's tests and {@code bench/report}: a fleet of varied VMs (one to four disks, a
 * third with vGPUs, a few with a passthrough GPU) converted by the real converter from a generated inventory, and
 * the journal a run of them writes, entry for entry as {@code VmPipeline} records it: GPU waves from the real
 * {@link Waves} planner, {@value #CONCURRENCY} VMs at a time, a progress entry every {@value #PROGRESS_SECONDS} s
 * per disk, about 3 % of the VMs failing (a source VM still running, a refused upload, an image that changed while
 * it was read). Deterministic: the same size and seed give the same run, to the nanosecond.
 */
public final class SyntheticRuns {
    /** The target the synthetic plan names. */
    public static final String TARGET = "dir:out/synthetic-fleet";
    private static final int CONCURRENCY = 16;
    private static final int PROGRESS_SECONDS = 15;
    private static final Instant START = Instant.parse("2026-12-01T21:00:00.194239798Z");
    private static final String[] PREFIXES = {"web", "db", "cad-ws", "render", "train", "ci-runner", "build", "api"};
    /** mdev type, its name, the resource the plan maps it to. */
    private static final String[][] VGPUS = {{"nvidia-231", "GRID T4-2Q", "nvidia.com/GRID_T4-2Q"},
        {"nvidia-596", "NVIDIA A10-12Q", "nvidia.com/NVIDIA_A10-12Q"},
        {"nvidia-699", "NVIDIA L4-24Q", "nvidia.com/NVIDIA_L4-24Q"}};
    /** device id, product name, the resource the plan maps it to. */
    private static final String[][] PASSTHROUGH = {
        {"2330", "GH100 [H100 SXM5 80GB]", "nvidia.com/GH100_H100_SXM5_80GB"},
        {"25b6", "GA107GL [A2 / A16]", "nvidia.com/GA107GL_A2___A16"}};

    /**
     * A generated run.
     *
     * @param prepared the plan, converted: what was asked
     * @param journal the entries the run wrote, in order
     * @param waves the VMs of each wave, as the wave planner made them
     * @param finishedAt when the report is made
     */
    public record Run(PlanConversion.Prepared prepared, List<JournalEntry> journal, List<List<String>> waves,
            Instant finishedAt) {
        public Run {
            journal = List.copyOf(journal);
            waves = List.copyOf(waves);
        }

        /** The report of the run, built from its journal as {@code plan run} builds it. */
        public RunReport report() {
            return ReportBuilder.build(prepared, RunState.of(journal), TARGET, finishedAt);
        }
    }

    private SyntheticRuns() {}

    /** A run of {@code vms} VMs (at least 1), the same for the same {@code seed}. */
    public static Run generate(int vms, long seed) {
        if (vms < 1) {
            throw new IllegalArgumentException("a synthetic run needs at least one VM, got " + vms);
        }
        Random random = new Random(seed);
        PlanConversion.Prepared prepared = PlanConversion.prepare(plan(), inventory(vms, random));
        return new Simulation(prepared, random).run();
    }

    private static LoadedPlan plan() {
        StringBuilder gpus = new StringBuilder();
        for (String[] g : VGPUS) {
            gpus.append("    ").append(g[0]).append(": ").append(g[2]).append('\n');
        }
        for (String[] g : PASSTHROUGH) {
            gpus.append("    10de:").append(g[0]).append(": ").append(g[2]).append('\n');
        }
        String yaml = "apiVersion: kv-migrate.dev/v1alpha1\nkind: MigrationPlan\nmetadata: {name: synthetic-fleet}\n"
                + "source: {libvirt: 'qemu+ssh://kvm-01.example/system'}\ntarget: " + TARGET + "\n"
                + "mappings:\n  networks:\n    default: {type: pod}\n  gpus:\n" + gpus
                + "options: {concurrency: " + CONCURRENCY + "}\n";
        return new LoadedPlan(PlanReader.parse(yaml, "synthetic-fleet.yaml"), Path.of("synthetic-fleet.yaml"));
    }

    /** The inventory as {@code inventory scan} writes it, read back through the codec. */
    private static Inventory inventory(int n, Random r) {
        ObjectNode inv = Mappers.json().createObjectNode();
        inv.put("apiVersion", Inventory.API_VERSION).put("kind", Inventory.KIND);
        inv.putObject("source").put("kind", "LIBVIRT").put("location", "qemu+ssh://kvm-01.example/system");
        inv.put("scannedAt", START.minusSeconds(600).toString());
        ArrayNode list = inv.putArray("vms");
        for (int i = 0; i < n; i++) {
            vm(list.addObject(), i, r);
        }
        byte[] json = inv.toString().getBytes(StandardCharsets.UTF_8);
        return InventoryCodec.read(new ByteArrayInputStream(json), "synthetic inventory");
    }

    private static void vm(ObjectNode vm, int i, Random r) {
        String name = String.format(Locale.ROOT, "%s-%04d", PREFIXES[r.nextInt(PREFIXES.length)], i);
        vm.put("id", String.format(Locale.ROOT, "00000000-0000-4000-8000-%012d", i)).put("name", name)
                .put("powerState", "SHUTOFF").put("snapshots", 0);
        int cores = 1 << r.nextInt(4);
        ObjectNode cpu = vm.putObject("cpu").put("vcpus", cores).put("maxVcpus", cores).put("mode", "host-model");
        cpu.putObject("topology").put("sockets", 1).put("cores", cores).put("threads", 1);
        vm.putObject("memory").put("bytes", (2L + r.nextInt(62)) << 30).put("guestNumaNodes", 0);
        vm.putObject("firmware").put("bootMode", "BIOS").put("machineType", "pc-q35-7.2").put("arch", "x86_64")
                .put("secureBoot", false);
        ArrayNode disks = vm.putArray("disks");
        int nd = 1 + (int) Math.min(3, Math.abs(r.nextGaussian()) * 1.5);
        for (int d = 0; d < nd; d++) {
            long virtual = (20L + r.nextInt(180)) << 30;
            ObjectNode disk = disks.addObject().put("target", "vd" + (char) ('a' + d)).put("device", "DISK")
                    .put("format", "QCOW2").put("virtualSize", virtual)
                    .put("allocatedSize", (long) (virtual * (0.05 + 0.35 * r.nextDouble())))
                    .put("bus", "VIRTIO").put("readOnly", false).put("shareable", false);
            String volume = name + "-" + d + ".qcow2";
            disk.putObject("source").put("type", "VOLUME").put("location", "/var/lib/libvirt/images/" + volume)
                    .put("pool", "default").put("volume", volume);
        }
        vm.putArray("nics").addObject().put("mac", String.format(Locale.ROOT, "52:54:00:%02x:%02x:%02x",
                i >> 16 & 255, i >> 8 & 255, i & 255)).put("model", "virtio").put("type", "NETWORK")
                .put("network", "default").put("plugged", true);
        ArrayNode gpus = vm.putArray("gpus");
        int g = r.nextInt(100);
        if (g < 30) {
            String[] t = VGPUS[r.nextInt(VGPUS.length)];
            int count = r.nextInt(4) == 0 ? 2 : 1;
            for (int k = 0; k < count; k++) {
                gpus.addObject().put("kind", "VGPU").put("mdevUuid", String.format(Locale.ROOT,
                        "a4f2c9e1-7d3b-4c55-%04x-%012x", k, i)).put("mdevType", t[0]).put("mdevTypeName", t[1])
                        .put("vendorId", "10de").put("display", false).put("ramfb", false);
            }
        } else if (g < 35) {
            String[] p = PASSTHROUGH[r.nextInt(PASSTHROUGH.length)];
            gpus.addObject().put("kind", "PASSTHROUGH").put("pciAddress", String.format(Locale.ROOT,
                    "0000:%02x:00.0", 0x20 + i % 200)).put("vendorId", "10de").put("deviceId", p[0])
                    .put("productName", p[1]).put("display", false).put("ramfb", false);
        }
    }

    /** Plays a plan run against a simulated clock, recording what {@code VmPipeline} would. */
    private static final class Simulation {
        private record Event(double at, long order, Optional<String> vm, String step, StepState state,
                Map<String, String> detail) {}

        private final PlanConversion.Prepared prepared;
        private final Random r;
        private final List<Event> events = new ArrayList<>();

        Simulation(PlanConversion.Prepared prepared, Random r) {
            this.prepared = prepared;
            this.r = r;
        }

        Run run() {
            List<VmWork> order = prepared.vms().stream()
                    .sorted(Comparator.comparingLong(VmWork::totalBytes).reversed()).toList();
            List<List<String>> waves = Waves.plan(order.stream().map(Simulation::needs).toList(), capacity(order));
            event(0, Optional.empty(), Step.RUN, StepState.STARTED, Map.of("target", TARGET, "vms",
                    Integer.toString(order.size()), "waves", Integer.toString(waves.size()), "resume", "false"));
            double waveStart = 0.05;
            int failed = 0;
            for (List<String> wave : waves) {
                PriorityQueue<Double> slots = new PriorityQueue<>();
                for (int i = 0; i < CONCURRENCY; i++) {
                    slots.add(waveStart);
                }
                double waveEnd = waveStart;
                for (VmWork w : order.stream().filter(v -> wave.contains(v.name())).toList()) {
                    double start = slots.poll() + 0.001 + 0.02 * r.nextDouble();
                    double[] end = {start};
                    failed += vm(w, start, end) ? 0 : 1;
                    slots.add(end[0]);
                    waveEnd = Math.max(waveEnd, end[0]);
                }
                waveStart = waveEnd + 0.01 + 0.05 * r.nextDouble();
            }
            event(waveStart, Optional.empty(), Step.RUN, failed > 0 ? StepState.FAILED : StepState.SUCCEEDED,
                    Map.of("message", (order.size() - failed) + " VM(s) migrated"
                            + (failed > 0 ? ", " + failed + " failed" : "")));
            return new Run(prepared, journal(), waves, START.plusNanos((long) ((waveStart + 0.2) * 1e9)));
        }

        private static Waves.Needs needs(VmWork w) {
            Map<String, Integer> devices = new LinkedHashMap<>();
            w.gpus().forEach(g -> devices.merge(g.resourceName(), g.count(), Integer::sum));
            return new Waves.Needs(w.name(), devices);
        }

        /** A target with about a third of the devices the fleet needs: three GPU waves. */
        private static Map<String, Long> capacity(List<VmWork> vms) {
            Map<String, Long> need = new HashMap<>();
            vms.forEach(v -> v.gpus().forEach(g -> need.merge(g.resourceName(), (long) g.count(), Long::sum)));
            Map<String, Long> capacity = new HashMap<>();
            need.forEach((resource, n) -> capacity.put(resource, Math.max(2, (n + 2) / 3)));
            return capacity;
        }

        /** One VM's pipeline from {@code start}; sets {@code end[0]}; returns whether it succeeded. */
        private boolean vm(VmWork w, double start, double[] end) {
            String vm = w.name();
            int fate = r.nextInt(100);
            double t = start;
            event(t, Optional.of(vm), Step.VM, StepState.STARTED, Map.of("target", w.targetName()));
            t = step(vm, Step.VALIDATE, t, 0.02 + 0.2 * r.nextDouble(), w.disks().size() + " disk(s), "
                    + w.gpus().stream().mapToInt(GpuAssignment::count).sum() + " GPU(s)");
            t = skipped(vm, Step.PRE_HOOK, t, "no pre hook");
            if (fate == 0) {
                String error = "VM " + vm + " is RUNNING on the source; shut it down (or set"
                        + " options.runningVm.policy: shutdown), then `kv-migrate plan run --resume`";
                return fail(vm, Step.SOURCE_POWER.id(), t, t + 0.1 + 0.3 * r.nextDouble(), error, end);
            }
            t = step(vm, Step.SOURCE_POWER, t, 0.05 + 0.3 * r.nextDouble(), "shut off");
            t = step(vm, Step.CREATE_DATAVOLUMES, t, 0.05 + 0.4 * r.nextDouble(), "created " + String.join(", ",
                    w.disks().stream().map(d -> "DataVolume/" + d.dataVolume()).toList()));
            event(t, Optional.of(vm), Step.IMPORT_DISKS.id(), StepState.STARTED, Map.of());
            List<DiskWork> disks = w.disks();
            // A failing VM's last disk fails; the others arrive.
            Optional<String> error = fate == 1 || fate == 2 ? Optional.of(diskError(disks.get(disks.size() - 1),
                    fate)) : Optional.empty();
            double disksEnd = t;
            for (int i = 0; i < disks.size(); i++) {
                disksEnd = Math.max(disksEnd, disk(vm, disks.get(i), t + 0.01 * i,
                        i == disks.size() - 1 ? error : Optional.empty()));
            }
            t = disksEnd + 0.01;
            if (error.isPresent()) {
                return fail(vm, Step.IMPORT_DISKS.id(), t, t, error.get(), end);
            }
            event(t, Optional.of(vm), Step.IMPORT_DISKS.id(), StepState.SUCCEEDED,
                    Map.of("message", disks.size() + " imported"));
            t = step(vm, Step.CREATE_VM, t, 0.05 + 0.3 * r.nextDouble(), "created VirtualMachine/" + w.targetName());
            t = skipped(vm, Step.START, t, "target " + TARGET + " runs no VMs");
            t = skipped(vm, Step.POST_HOOK, t, "no post hook");
            event(t, Optional.of(vm), Step.VM, StepState.SUCCEEDED, Map.of("target", w.targetName()));
            end[0] = t;
            return true;
        }

        private String diskError(DiskWork d, int fate) {
            if (fate == 1) {
                return "disk " + d.dataVolume() + ": the CDI upload proxy refused the upload (HTTP 403: token"
                        + " expired); run `kv-migrate plan run --resume` to send it again with a fresh token";
            }
            long size = d.virtualSize();
            return "disk " + d.dataVolume() + ": the source image changed while it was read (size " + size + " → "
                    + (size + 65536) + "); stop writes to the VM's disks, then `kv-migrate plan run --resume`";
        }

        /** One disk's transfer from {@code start}; returns its end. A failure ends it part way. */
        private double disk(String vm, DiskWork d, double start, Optional<String> error) {
            long total = d.virtualSize();
            long content = (long) (total * (0.05 + 0.35 * r.nextDouble()));
            long wire = (long) (content * (0.45 + 0.45 * r.nextDouble()));
            double seconds = wire / ((40.0 + 120 * r.nextDouble()) * (1 << 20));
            double stop = error.isEmpty() ? 1 : 0.2 + 0.6 * r.nextDouble();
            event(start, Optional.of(vm), Step.IMPORT_DISK, StepState.STARTED, Map.of("disk", d.dataVolume(),
                    "total", Long.toString(total)));
            for (double s = PROGRESS_SECONDS; s < seconds * stop; s += PROGRESS_SECONDS) {
                double f = s / seconds;
                event(start + s, Optional.of(vm), Step.IMPORT_DISK, StepState.PROGRESS, Map.of("disk",
                        d.dataVolume(), "done", Long.toString((long) (content * f)), "total", Long.toString(total),
                        "wire", Long.toString((long) (wire * f)), "rate", Long.toString((long) (wire / seconds))));
            }
            double end = start + seconds * stop;
            if (error.isPresent()) {
                event(end, Optional.of(vm), Step.IMPORT_DISK, StepState.FAILED, Map.of("disk", d.dataVolume(),
                        "error", error.get()));
                return end;
            }
            event(end, Optional.of(vm), Step.IMPORT_DISK, StepState.SUCCEEDED, Map.of("disk", d.dataVolume(),
                    "digest", String.format(Locale.ROOT, "xxh3-128:%016x%016x", r.nextLong(), r.nextLong()),
                    "done", Long.toString(content), "total", Long.toString(content), "wire", Long.toString(wire),
                    "seconds", String.format(Locale.ROOT, "%.3f", seconds)));
            return end;
        }

        private double step(String vm, Step step, double start, double seconds, String message) {
            event(start, Optional.of(vm), step.id(), StepState.STARTED, Map.of());
            event(start + seconds, Optional.of(vm), step.id(), StepState.SUCCEEDED, Map.of("message", message));
            return start + seconds;
        }

        private double skipped(String vm, Step step, double start, String message) {
            event(start, Optional.of(vm), step.id(), StepState.STARTED, Map.of());
            event(start + 0.001, Optional.of(vm), step.id(), StepState.SKIPPED, Map.of("message", message));
            return start + 0.001;
        }

        private boolean fail(String vm, String step, double start, double at, String error, double[] end) {
            if (!step.equals(Step.IMPORT_DISKS.id())) {
                event(start, Optional.of(vm), step, StepState.STARTED, Map.of());
            }
            event(at, Optional.of(vm), step, StepState.FAILED, Map.of("error", error));
            event(at, Optional.of(vm), Step.VM, StepState.FAILED, Map.of("error", error, "step", step));
            end[0] = at;
            return false;
        }

        private void event(double at, Optional<String> vm, String step, StepState state, Map<String, String> detail) {
            events.add(new Event(at, events.size(), vm, step, state, detail));
        }

        /** The events in time order, numbered and stamped as the journal does. */
        private List<JournalEntry> journal() {
            List<Event> sorted = events.stream().sorted(Comparator.comparingDouble(Event::at)
                    .thenComparingLong(Event::order)).toList();
            List<JournalEntry> out = new ArrayList<>(sorted.size());
            for (Event e : sorted) {
                out.add(new JournalEntry(out.size() + 1, START.plusNanos((long) (e.at() * 1e9)).toString(), e.vm(),
                        e.step(), e.state(), e.detail()));
            }
            return out;
        }
    }
}
