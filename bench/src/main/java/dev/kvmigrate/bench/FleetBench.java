package dev.kvmigrate.bench;

import dev.kvmigrate.common.io.FileTrees;
import dev.kvmigrate.importer.sink.CdiResources;
import dev.kvmigrate.importer.standin.ClusterStandIn;
import dev.kvmigrate.importer.standin.ReceiveMeter;
import dev.kvmigrate.importer.transfer.Checksum;
import dev.kvmigrate.importer.transfer.ContentDigest;
import dev.kvmigrate.importer.transfer.FileSliceContent;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * bench/fleet: a whole plan into a cluster. A generated fleet of VMs (two sparse disks each, about a quarter qcow2,
 * seeded and cached under {@code --cache}) in an XML-dump source is migrated by {@code kv-migrate plan run} (its
 * launcher, a separate JVM, as users run it) into the loopback CDI stand-in at {@code options.concurrency: 4},
 * against the baseline of 4 parallel {@code curl -T} streams uploading the same images (every byte of each file, as
 * virtctl sends it; qcow2 files as they are) into the same stand-in.
 *
 * <p>Measured: total wall time (kv-migrate: the whole {@code plan run}, JVM start-up, DataVolumes, waits and VM
 * creation included; curl: the 4 streams, DataVolumes and tokens made beforehand), median of {@code --runs}, the
 * ratio being the quotient of the medians; the two alternate which goes first, and each starts after a {@code sync}
 * with, where the bench may (root), the page cache cycled through once and dropped (cold reads, as of a shut-down
 * VM's disks, on a machine whose memory is in use; see {@link #settle});
 * kv-migrate's peak RSS (GNU time's maximum resident set, the largest over the runs); body bytes that reached the
 * upload proxy ({@code wire_bytes}); and whether every volume's guest-visible bytes match its source (the stand-in
 * runs in discard mode: it digests what it receives, XXH3 over 64 KiB blocks, converting qcow2 as CDI does, and keeps
 * nothing; the sources' digests are computed when they are made). Then one capped run ({@code options.bandwidth})
 * with the bytes the proxy received counted per 5 s window: every window but the last (cut short by the end) must be
 * within 5 % of the cap.
 *
 * <p>RESULT lines: {@code bench=fleet case=uncapped kv_s base=4xcurl base_s ratio wire_bytes identical kv_rss_mib
 * disks virtual_gib runs} and {@code bench=fleet case=capped cap cap_mbps (megabits/s) kv_s windows worst_window_pct
 * over_pct under_pct cap_held wire_bytes identical kv_rss_mib disks virtual_gib runs=1} (disks and virtual_gib: the
 * fleet's size, which --vms, --min-mib and --max-mib change): worst_window_pct is the largest deviation from the cap of any full window,
 * over_pct / under_pct the largest above and below it (going over is the cap failing; falling under on a busy
 * machine can be load). The process exits 1 when a volume differs from its source.
 *
 * <p>Usage: {@code FleetBench --kv LAUNCHER [--small] [--vms 20] [--min-mib 512] [--max-mib 4096] [--runs 3]
 * [--cap 100M] [--cache DIR] [--work DIR]}
 */
public final class FleetBench {
    private static final long MIB = BenchKit.MIB;
    private static final long CHUNK = 4 * MIB;
    private static final Duration WINDOW = Duration.ofSeconds(5);
    private static final int STREAMS = 4;

    /** One disk of the fleet: its file (raw or qcow2), virtual size and guest-visible digest. */
    record Disk(String vm, String dev, Path file, String format, long size, String digest) {}

    private FleetBench() {}

    public static void main(String[] args) throws Exception {
        String kv = null;
        int vms = 20;
        long minMib = 512;
        long maxMib = 4096;
        int runs = 3;
        String cap = "100M";
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path cache = tmp.resolve("kv-fleet-bench-cache");
        Path work = tmp;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kv" -> kv = args[++i];
                case "--small" -> {
                    vms = 4;
                    minMib = 64;
                    maxMib = 256;
                    runs = 1;
                    cap = "25M";
                }
                case "--vms" -> vms = Integer.parseInt(args[++i]);
                case "--min-mib" -> minMib = Long.parseLong(args[++i]);
                case "--max-mib" -> maxMib = Long.parseLong(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--cap" -> cap = args[++i];
                case "--cache" -> cache = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (kv == null) {
            throw new IllegalArgumentException("--kv LAUNCHER (the kv-migrate script) is required");
        }
        List<Disk> disks = fleet(cache.resolve(vms + "x2-" + minMib + "-" + maxMib), vms, minMib, maxMib);
        long virtual = disks.stream().mapToLong(Disk::size).sum();
        long files = 0;
        for (Disk d : disks) {
            files += Files.size(d.file());
        }
        info(String.format(Locale.ROOT, "fleet: %d VMs, %d disks (%d qcow2), %.1f GiB virtual, %.1f GiB of files"
                + " (what curl sends)", vms, disks.size(), disks.stream().filter(d -> d.format().equals("qcow2"))
                .count(), virtual / (double) (1L << 30), files / (double) (1L << 30)));

        info("load average at the start (2-core machine; other work may run): " + loadAverage());
        Path dir = Files.createTempDirectory(work, "kv-fleet-bench-");
        boolean identical = true;
        List<String> results = new ArrayList<>();
        try {
            Path dumps = Files.createDirectories(dir.resolve("dumps"));
            for (int v = 0; v < vms; v++) {
                Files.writeString(dumps.resolve(vmName(v) + ".xml"), domain(v, disks.get(2 * v), disks.get(2 * v + 1)));
            }
            double[] curl = new double[runs];
            double[] kvS = new double[runs];
            long rss = 0;
            long wire = 0;
            for (int r = 0; r < runs; r++) {
                // the order alternates (curl first in even rounds, kv-migrate first in odd ones), and each timed run
                // starts once the previous one's writes are on disk (settle): the stand-in's qemu-img conversions
                // of curl's qcow2 files left gigabytes to write back, which the next run's reads competed with
                Kv k;
                if (r % 2 == 0) {
                    settle(disks);
                    curl[r] = curlRun(dir, disks, r);
                    settle(disks);
                    k = kvRun(dir, disks, kv, vms, "uncapped-" + r, null);
                } else {
                    settle(disks);
                    k = kvRun(dir, disks, kv, vms, "uncapped-" + r, null);
                    settle(disks);
                    curl[r] = curlRun(dir, disks, r);
                }
                kvS[r] = k.seconds();
                rss = Math.max(rss, k.rssMib());
                wire = k.wire();
                identical &= k.identical();
                info(String.format(Locale.ROOT, "run %d: 4x curl %.2f s, kv-migrate %.2f s (%d MiB RSS, %d wire"
                        + " bytes, identical %s)", r + 1, curl[r], k.seconds(), k.rssMib(), k.wire(),
                        k.identical() ? "yes" : "no"));
            }
            double kvMedian = BenchKit.median(kvS);
            double curlMedian = BenchKit.median(curl);
            results.add(String.format(Locale.ROOT, "RESULT bench=fleet case=uncapped kv_s=%.2f base=4xcurl"
                    + " base_s=%.2f ratio=%.3f wire_bytes=%d identical=%s kv_rss_mib=%d disks=%d virtual_gib=%.1f"
                    + " runs=%d", kvMedian, curlMedian, kvMedian / curlMedian, wire, identical ? "yes" : "no", rss,
                    disks.size(), virtual / (double) (1L << 30), runs));

            settle(disks);
            Kv capped = kvRun(dir, disks, kv, vms, "capped", cap);
            identical &= capped.identical();
            double capBps = bytesPerSecond(cap);
            double perWindow = capBps * WINDOW.toNanos() / 1e9;
            List<Long> windows = capped.windows();
            double worst = 0;
            double over = 0;
            double under = 0;
            for (long w : windows) {
                double pct = (w / perWindow - 1) * 100;
                worst = Math.max(worst, Math.abs(pct));
                over = Math.max(over, pct);
                under = Math.max(under, -pct);
            }
            info("capped run, bytes per 5 s window (the last, partial one left out): " + windows);
            results.add(String.format(Locale.ROOT, "RESULT bench=fleet case=capped cap=%s cap_mbps=%.0f kv_s=%.2f"
                    + " windows=%d worst_window_pct=%.1f over_pct=%.1f under_pct=%.1f cap_held=%s wire_bytes=%d"
                    + " identical=%s kv_rss_mib=%d disks=%d virtual_gib=%.1f runs=1", cap, capBps * 8 / 1e6,
                    capped.seconds(), windows.size(), worst, over, under,
                    !windows.isEmpty() && worst <= 5.0 ? "yes" : "no", capped.wire(),
                    capped.identical() ? "yes" : "no", capped.rssMib(), disks.size(),
                    virtual / (double) (1L << 30)));
        } finally {
            FileTrees.deleteTree(dir);
        }
        info("load average at the end: " + loadAverage());
        results.forEach(System.out::println);
        if (!identical) {
            System.exit(1);
        }
    }

    // ---------------------------------------------------------------- the fleet

    /**
     * The fleet's disks, made once per configuration under {@code cache} (seeded: the same every time): VM {@code
     * v} has disks vda and vdb; sizes uniform in [min, max] MiB (4 MiB multiples), 10–60 % data in 4 MiB runs, every
     * fourth disk qcow2 (made by qemu-img from the raw, whose digest is kept).
     */
    static List<Disk> fleet(Path cache, int vms, long minMib, long maxMib) throws Exception {
        Files.createDirectories(cache);
        SplittableRandom random = new SplittableRandom(20_26_17L);
        List<Disk> disks = new ArrayList<>();
        for (int v = 0; v < vms; v++) {
            for (String dev : List.of("vda", "vdb")) {
                int index = disks.size();
                long size = (minMib + random.nextLong(maxMib - minMib + 1)) / 4 * 4 * MIB;
                double data = 0.10 + random.nextDouble() * 0.50;
                long seed = random.nextLong();
                boolean qcow2 = index % 4 == 1;
                String name = vmName(v) + "-" + dev;
                Path file = cache.resolve(name + (qcow2 ? ".qcow2" : ".raw"));
                Path digestFile = cache.resolve(name + ".xxh3");
                if (!Files.isRegularFile(digestFile) || !Files.isRegularFile(file)) {
                    info("making " + file.getFileName() + String.format(Locale.ROOT, " (%d MiB, %.0f %% data)",
                            size / MIB, data * 100));
                    Path raw = cache.resolve(name + ".raw");
                    sparseRandom(raw, size, data, seed);
                    String digest = digest(raw);
                    if (qcow2) {
                        BenchKit.run(List.of("qemu-img", "convert", "-q", "-O", "qcow2", raw.toString(),
                                file.toString()), Map.of(), false);
                        Files.delete(raw);
                    }
                    Files.writeString(digestFile, digest);
                }
                disks.add(new Disk(vmName(v), dev, file, qcow2 ? "qcow2" : "raw", size,
                        Files.readString(digestFile).strip()));
            }
        }
        return disks;
    }

    /** A raw image: {@code fraction} of it random data in 4 MiB runs spread evenly, the rest holes (fast PRNG). */
    private static void sparseRandom(Path file, long size, double fraction, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer chunk = ByteBuffer.allocateDirect((int) CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        LongBuffer longs = chunk.asLongBuffer();
        long chunks = size / CHUNK;
        long data = Math.max(1, Math.round(chunks * fraction));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long i = 0; i < data; i++) {
                longs.clear();
                while (longs.hasRemaining()) {
                    longs.put(random.nextLong());
                }
                chunk.clear();
                long at = (long) Math.floor(i * (double) chunks / data) * CHUNK;
                while (chunk.hasRemaining()) {
                    ch.write(chunk, at + chunk.position());
                }
            }
            if (ch.size() < size) {
                ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
        }
    }

    /** XXH3 over 64 KiB blocks of a raw file's content, as the stand-in digests what it receives. */
    private static String digest(Path raw) throws IOException {
        ContentDigest d = Checksum.XXH3.start();
        new FileSliceContent(raw, 0, Files.size(raw)).accept(d);
        return d.finish();
    }

    static String vmName(int v) {
        return String.format(Locale.ROOT, "fleet-vm%02d", v + 1);
    }

    /** A shut-off KVM domain with its two disks, as {@code virsh dumpxml} writes it (the parts the plan reads). */
    static String domain(int v, Disk a, Disk b) {
        StringBuilder x = new StringBuilder("<domain type='kvm'>\n  <name>" + vmName(v) + "</name>\n"
                + String.format(Locale.ROOT, "  <uuid>3f0c1e6a-1b7e-4f8a-9d0e-%012x</uuid>%n", v + 1)
                + "  <memory unit='GiB'>2</memory>\n  <vcpu>2</vcpu>\n"
                + "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n  <devices>\n");
        for (Disk d : List.of(a, b)) {
            x.append("    <disk type='file' device='disk'><driver name='qemu' type='").append(d.format())
                    .append("'/><source file='").append(d.file().toAbsolutePath()).append("'/><target dev='")
                    .append(d.dev()).append("' bus='virtio'/></disk>\n");
        }
        return x.append("  </devices>\n</domain>\n").toString();
    }

    // ---------------------------------------------------------------- the runs

    private static boolean dropNoted;

    /**
     * Starts every timed run from the same state: the page cache's dirty data written ({@code sync}), then, where
     * this process may (root), the page cache cycled once and dropped: every image of the fleet read through it
     * ({@code disks}, 4 readers, untimed) and the clean cache dropped, so that every run reads the images cold, as a
     * migration reads disks of shut-down VMs larger than the host's cache, with the machine's memory in the state a
     * busy host's is in.
     *
     * <p>Without the drop each run inherited the last one's cache: kv-migrate right after curl (which had filled the
     * cache with the images) took 35-37 s, after itself 27 s. Without the cycle, each run inherited the last one's
     * memory state: on this project's machine (a VM) a page-cache-heavy run right after direct reads paid ~3x the
     * kernel CPU for the same reads; where that comes from is the host's business (idle time alone did not bring
     * it). Measured, reading the fleet's images through the page cache (4 readers, cache dropped before): 34 s (56 s
     * of kernel CPU) right after direct reads of the same files or a kv-migrate run, 14-16 s (14-20 s) right after
     * another such read, 15 s after one and 60 s idle; the curl baseline ran 56-59 s after kv-migrate, 42-44 s after
     * curl, within one bench. The cycle costs 15-35 s per run, outside the timing.
     */
    private static void settle(List<Disk> disks) throws Exception {
        long t0 = System.nanoTime();
        BenchKit.run(List.of("sync"), Map.of(), false);
        boolean dropped = BenchKit.dropCaches();
        double cycled = -1;
        if (dropped) {
            long c0 = System.nanoTime();
            BenchKit.readThroughCache(disks.stream().map(Disk::file).toList(), STREAMS);
            dropped = BenchKit.dropCaches();
            cycled = (System.nanoTime() - c0) / 1e9;
        }
        if (!dropNoted) {
            dropNoted = true;
            info(dropped ? String.format(Locale.ROOT, "each timed run starts after sync, with the page cache cycled"
                    + " once (the fleet read through it: %.1f s the first time) and dropped (cold reads)", cycled)
                    : "each timed run starts after sync; the page cache cannot be dropped here (not root): runs"
                            + " inherit the previous run's cache and memory");
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (s - Math.max(0, cycled) > 0.5) {
            info(String.format(Locale.ROOT, "settle: sync took %.1f s", s - Math.max(0, cycled)));
        }
    }

    /** The baseline: 4 {@code curl -T} streams taking the images off one queue; DataVolumes and tokens made first. */
    private static double curlRun(Path dir, List<Disk> disks, int run) throws Exception {
        try (ClusterStandIn cluster = standIn(dir)) {
            ConcurrentLinkedQueue<List<String>> queue = new ConcurrentLinkedQueue<>();
            for (Disk d : disks) {
                String dv = "curl-" + run + "-" + d.vm() + "-" + d.dev();
                BenchKit.createDataVolume(cluster, dv, d.size());
                BenchKit.awaitPhase(cluster, dv, "UploadReady", Duration.ofSeconds(12));
                queue.add(List.of("curl", "-sS", "-f", "-o", "/dev/null", "-T", d.file().toString(), "-X", "POST",
                        "-H", "Authorization: Bearer " + BenchKit.token(cluster, dv), "-H",
                        "Content-Type: application/octet-stream", "-H", "Expect:",
                        cluster.uploadProxyUrl() + "/v1beta1/upload-async"));
            }
            info("4x curl -T, run " + (run + 1));
            ExecutorService pool = Executors.newFixedThreadPool(STREAMS);
            BenchKit.Cpu cpu0 = BenchKit.cpu();
            long t0 = System.nanoTime();
            try {
                List<Future<?>> streams = new ArrayList<>();
                for (int s = 0; s < STREAMS; s++) {
                    streams.add(pool.submit(() -> {
                        for (List<String> cmd; (cmd = queue.poll()) != null;) {
                            BenchKit.run(cmd, Map.of(), false);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : streams) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            BenchKit.Cpu cpu = BenchKit.cpu().since(cpu0);
            info(String.format(Locale.ROOT, "CPU during 4x curl: stand-in (this JVM) %.1f s, curl and the"
                    + " stand-in's qemu-img conversions %.1f s; wall %.1f s on %d cores", cpu.self(), cpu.children(),
                    seconds, CORES));
            if (!receivedDigests(cluster).equals(sorted(disks))) {
                throw new IllegalStateException("the curl baseline's volumes differ from the sources");
            }
            return seconds;
        }
    }

    private record Kv(double seconds, long rssMib, long wire, boolean identical, List<Long> windows) {}

    /** {@code kv-migrate plan run} of the whole fleet into a fresh stand-in; {@code cap} sets options.bandwidth. */
    private static Kv kvRun(Path dir, List<Disk> disks, String kv, int vms, String name, String cap)
            throws Exception {
        try (ClusterStandIn cluster = standIn(dir)) {
            ReceiveMeter meter = cluster.meter(WINDOW);
            Path runDir = Files.createDirectories(dir.resolve("run-" + name));
            Path kubeconfig = runDir.resolve("kubeconfig");
            Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: standin\n  cluster:\n"
                    + "    server: " + cluster.client().getMasterUrl() + "\n    insecure-skip-tls-verify: true\n"
                    + "contexts:\n- name: standin\n  context: {cluster: standin, user: u, namespace: default}\n"
                    + "current-context: standin\nusers:\n- name: u\n  user: {token: t}\n");
            List<String> names = new ArrayList<>();
            for (int v = 0; v < vms; v++) {
                names.add(vmName(v));
            }
            Path plan = runDir.resolve("fleet.yaml");
            Files.writeString(plan, "apiVersion: kv-migrate.dev/v1alpha1\nkind: MigrationPlan\nmetadata: {name: fleet}\n"
                    + "source: {xmlDir: " + dir.resolve("dumps").toAbsolutePath() + "}\n"
                    + "target: {cluster: {kubeconfig: " + kubeconfig.toAbsolutePath() + ", context: standin,"
                    + " uploadProxyUrl: \"" + cluster.uploadProxyUrl() + "\"}}\n"
                    + "vms: {names: [" + String.join(", ", names) + "]}\n"
                    + "options: {concurrency: 4" + (cap == null ? "" : ", bandwidth: " + cap) + "}\n");
            Path rss = runDir.resolve("rss");
            Path out = runDir.resolve("out.txt");
            info("kv-migrate plan run, " + name);
            List<String> cmd = List.of("/usr/bin/time", "-f", "%M %U %S", "-o", rss.toString(), kv, "plan", "run",
                    plan.toString());
            BenchKit.Cpu cpu0 = BenchKit.cpu();
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            int rc = p.waitFor();
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (rc != 0) {
                throw new IllegalStateException("kv-migrate plan run failed (" + rc + "):\n" + Files.readString(out));
            }
            BenchKit.Cpu cpu = BenchKit.cpu().since(cpu0);
            String[] usage = Files.readString(rss).strip().lines().reduce((x, y) -> y).orElse("0 0 0").split(" ");
            long rssMib = Long.parseLong(usage[0]) / 1024;
            double kvCpu = Double.parseDouble(usage[1]) + Double.parseDouble(usage[2]);
            info(String.format(Locale.ROOT, "CPU during kv-migrate: stand-in (this JVM) %.1f s, kv-migrate %.1f s"
                    + " (user %s, kernel %s), the stand-in's qemu-img conversions %.1f s; wall %.1f s on %d cores",
                    cpu.self(), kvCpu, usage[1], usage[2], cpu.children() - kvCpu, seconds, CORES));
            boolean identical = receivedDigests(cluster).equals(sorted(disks));
            if (!identical) {
                info("kv-migrate's volumes differ from the sources; plan run said:\n" + Files.readString(out));
            }
            return new Kv(seconds, rssMib, cluster.uploadBodyBytes(), identical, meter.fullWindows());
        }
    }

    private static ClusterStandIn standIn(Path dir) throws Exception {
        Path volumes = dir.resolve("volumes");
        FileTrees.deleteTree(volumes);
        return ClusterStandIn.start(volumes, BenchKit.swagger()).discardVolumes(true).tokenTtl(Duration.ofHours(2));
    }

    /** The digests of every volume the stand-in received (all namespaces), sorted. */
    private static List<String> receivedDigests(ClusterStandIn cluster) {
        List<String> out = new ArrayList<>();
        for (GenericKubernetesResource dv : cluster.client().genericKubernetesResources(CdiResources.DATA_VOLUME)
                .inAnyNamespace().list().getItems()) {
            cluster.volume(dv.getMetadata().getNamespace(), dv.getMetadata().getName())
                    .flatMap(v -> v.receivedDigest()).ifPresent(out::add);
        }
        out.sort(null);
        return out;
    }

    private static List<String> sorted(List<Disk> disks) {
        return disks.stream().map(Disk::digest).sorted().toList();
    }

    // ---------------------------------------------------------------- helpers

    /** A plan rate ({@code 100M} = 10^8 bytes/s, {@code 100Mi} = 100·2^20; plain digits are bytes/s). */
    static double bytesPerSecond(String rate) {
        String r = rate.strip();
        int i = 0;
        while (i < r.length() && (Character.isDigit(r.charAt(i)) || r.charAt(i) == '.')) {
            i++;
        }
        double n = Double.parseDouble(r.substring(0, i));
        String unit = r.substring(i);
        return n * switch (unit) {
            case "" -> 1d;
            case "K", "k" -> 1e3;
            case "M" -> 1e6;
            case "G" -> 1e9;
            case "Ki" -> 1024d;
            case "Mi" -> 1024d * 1024;
            case "Gi" -> 1024d * 1024 * 1024;
            default -> throw new IllegalArgumentException("unknown rate unit in " + rate);
        };
    }

    /** /proc/loadavg's 1, 5 and 15 minute averages, or "unknown". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private static void info(String s) {
        System.out.println("INFO " + s);
        System.out.flush();
    }
}
