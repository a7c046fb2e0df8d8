package dev.kvmigrate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.io.FileTrees;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.importer.standin.ClusterStandIn;
import dev.kvmigrate.importer.standin.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * bench/link: kv-migrate import against {@code curl -T} (virtctl: every byte as it is) and against
 * {@code zstd -3 -T1} followed by {@code curl -T} of the result (what a careful user does), all into the loopback
 * CDI stand-in, on a loopback shaped with {@code tc tbf} to 1 Gbit and 10 Gbit inside a network namespace of its own
 * (bench/link re-executes itself under {@code unshare -n}). The disk holds real content: an ext4 image made with
 * {@code mkfs.ext4 -d} from a fixed list of this machine's {@code /usr} subtrees, filled to about half its size,
 * sent as raw and as qcow2 (kv-migrate reads the qcow2 as its guest's raw bytes and sends those; curl sends the file,
 * which the stand-in converts with qemu-img as CDI does). Times are the upload itself (kv: transfer-phase to process-phase event; curl: its
 * time_total; zstd: its wall time, measured once per image as it does not depend on the link). kv-migrate runs as
 * users run it: its launcher, a fresh JVM each time, with the launcher's class-data archive and GC settings.
 *
 * <p>Usage: {@code LinkBench --kv LAUNCHER [--small] [--runs N] [--links 1gbit,10gbit] [--work DIR] [--xmx 256m]}
 */
public final class LinkBench {
    private static final ObjectMapper JSON = Mappers.json();
    private static final long MIB = 1L << 20;

    /** The content of the disk: these subtrees of /usr, in this order, repeated until the disk is half full. */
    static final List<String> CONTENT = List.of("/usr/lib/x86_64-linux-gnu", "/usr/bin", "/usr/share/doc",
            "/usr/include", "/usr/libexec", "/usr/sbin", "/usr/share/man", "/usr/share/locale");
    /** The name of that content (bump when the list or the way it is laid out changes: images are cached by it). */
    static final String CONTENT_NAME = "usr-v1";

    /** A shaped link: tbf rate and the burst measured to reach it on loopback (64 KiB MTU). */
    record Link(String name, String rate, String burst) {}

    static final Map<String, Link> LINKS = Map.of(
            "1gbit", new Link("1gbit", "1gbit", "1mb"),
            "10gbit", new Link("10gbit", "10gbit", "16mb"));

    private record Image(Path raw, Path qcow2, long size, long used) {}

    private record Kv(double seconds, long wireBytes, String levels, long linkBps, long rssMib, boolean identical) {}

    private LinkBench() {}

    public static void main(String[] args) throws Exception {
        String kv = null;
        boolean small = false;
        int runs = 3;
        List<String> links = List.of("1gbit", "10gbit");
        Path work = Path.of(System.getProperty("java.io.tmpdir"));
        String xmx = "256m";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kv" -> kv = args[++i];
                case "--small" -> small = true;
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--links" -> links = List.of(args[++i].split(","));
                case "--work" -> work = Path.of(args[++i]);
                case "--xmx" -> xmx = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (kv == null) {
            throw new IllegalArgumentException("--kv LAUNCHER (the kv-migrate script) is required");
        }
        if (small) {
            runs = 1;
        }
        if (!"1".equals(System.getenv("KV_LINK_NETNS"))) {
            throw new IllegalStateException("LinkBench shapes the loopback of its own network namespace: run it"
                    + " through bench/link (unshare -n)");
        }
        BenchKit.run(List.of("ip", "link", "set", "lo", "up"), Map.of(), false);
        long size = small ? 256 * MIB : 4096 * MIB;
        Image image = image(work.resolve("kv-link-bench-cache"), size);
        Path dir = Files.createTempDirectory(work, "kv-link-bench-");
        List<String> results = new ArrayList<>();
        try (ClusterStandIn cluster = ClusterStandIn.start(dir.resolve("volumes"), BenchKit.swagger())) {
            Path kubeconfig = BenchKit.kubeconfig(dir, cluster);
            Bench b = new Bench(cluster, kubeconfig, kv, xmx, dir, runs);
            // zstd -3 does not depend on the link: timed once per image, its output sent on every link
            Path rawZst = dir.resolve("disk.raw.zst");
            Path qcowZst = dir.resolve("disk.qcow2.zst");
            double rawZstdS = b.zstd(image.raw(), rawZst);
            double qcowZstdS = b.zstd(image.qcow2(), qcowZst);
            info(String.format(Locale.ROOT, "zstd -3 -T1: raw %.2f s -> %d bytes (%.3f of the image, %.3f of the"
                    + " used bytes), qcow2 %.2f s -> %d bytes", rawZstdS, Files.size(rawZst),
                    Files.size(rawZst) / (double) image.size(), Files.size(rawZst) / (double) image.used(),
                    qcowZstdS, Files.size(qcowZst)));
            for (String name : links) {
                Link link = LINKS.get(name);
                if (link == null) {
                    throw new IllegalArgumentException("no link " + name + " (" + LINKS.keySet() + ")");
                }
                shape(link);
                results.add(b.compare(link, "raw", image.raw(), image.raw(), rawZst, rawZstdS));
                if (!small || name.equals(links.get(0))) { // CI mode: qcow2 on one link only
                    results.add(b.compare(link, "qcow2", image.qcow2(), image.raw(), qcowZst, qcowZstdS));
                }
            }
        } finally {
            FileTrees.deleteTree(dir);
        }
        results.forEach(System.out::println);
    }

    /** Replaces the loopback's root qdisc with a token bucket at the link's rate. */
    static void shape(Link link) throws Exception {
        BenchKit.run(List.of("tc", "qdisc", "replace", "dev", "lo", "root", "tbf", "rate", link.rate(), "burst",
                link.burst(), "latency", "50ms"), Map.of(), false);
        info("loopback shaped: tbf rate " + link.rate() + " burst " + link.burst() + " latency 50ms");
    }

    private static final class Bench {
        private final ClusterStandIn cluster;
        private final Path kubeconfig;
        private final String kv;
        private final String xmx;
        private final Path dir;
        private final int runs;
        private int serial;

        Bench(ClusterStandIn cluster, Path kubeconfig, String kv, String xmx, Path dir, int runs) {
            this.cluster = cluster;
            this.kubeconfig = kubeconfig;
            this.kv = kv;
            this.xmx = xmx;
            this.dir = dir;
            this.runs = runs;
        }

        /** One RESULT line: kv-migrate, curl -T of {@code image}, zstd -3 + curl -T of {@code zst}. */
        String compare(Link link, String kind, Path image, Path reference, Path zst, double zstdS) throws Exception {
            String id = link.name() + "-" + kind;
            List<Double> curl = new ArrayList<>();
            List<Double> curlZst = new ArrayList<>();
            List<Kv> kv = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                info(id + " run " + (r + 1) + "/" + runs);
                settle();
                curl.add(curl(image, Files.size(reference)));
                settle();
                curlZst.add(curl(zst, Files.size(reference)));
                settle();
                kv.add(kv(image, reference));
            }
            double kvS = BenchKit.median(kv.stream().map(Kv::seconds).toList());
            double curlS = BenchKit.median(curl);
            double base2 = zstdS + BenchKit.median(curlZst);
            Kv last = kv.get(kv.size() - 1);
            Set<String> levels = new LinkedHashSet<>(kv.stream().map(Kv::levels).toList());
            long linkBps = (long) BenchKit.median(kv.stream().map(k -> (double) k.linkBps()).toList());
            info(String.format(Locale.ROOT, "%s: curl -T %s moved %.0f MB/s (the link as curl sees it); kv runs %s,"
                    + " levels %s", id, kind, Files.size(image) / curlS / 1e6, kv.stream().map(k -> String.format(
                    Locale.ROOT, "%.2f", k.seconds())).toList(), levels));
            boolean identical = kv.stream().allMatch(Kv::identical);
            return String.format(Locale.ROOT, "RESULT bench=link case=%s kv_s=%.2f base=curl base_s=%.2f ratio=%.3f"
                    + " base2=zstd3+curl base2_s=%.2f ratio2=%.3f wire_bytes=%d identical=%s kv_rss_mib=%d"
                    + " level=%s link_mbps=%.0f curl_mbps=%.0f runs=%d", id, kvS, curlS, kvS / curlS, base2,
                    kvS / base2, last.wireBytes(), identical ? "yes" : "no",
                    kv.stream().mapToLong(Kv::rssMib).max().orElse(0),
                    last.levels().isEmpty() ? "as-is" : String.join("|", levels), linkBps * 8 / 1e6,
                    Files.size(image) * 8 / curlS / 1e6, runs);
        }

        /**
         * Flushes what the previous run left dirty (untimed): the stand-in writes each volume through the page cache
         * (and flushes it before it answers), so no run pays for the write-back of what the one before it wrote, as
         * bench/libvirt and bench/fleet settle theirs. (It did not change what bounds a 10 Gbit upload on this
         * project's machine: kv-migrate's moved ~1.2 GB/s for its first gigabyte and ~350 MB/s after, with or
         * without it, and so did its uploads run with no curl before them.)
         */
        private static void settle() throws Exception {
            BenchKit.run(List.of("sync"), Map.of(), false);
        }

        /** curl -T into a fresh DataVolume (the virtctl baseline); its time_total. */
        double curl(Path file, long volumeSize) throws Exception {
            String dv = "curl-" + (++serial);
            BenchKit.createDataVolume(cluster, dv, volumeSize);
            BenchKit.awaitPhase(cluster, dv, "UploadReady", Duration.ofSeconds(15));
            String token = BenchKit.token(cluster, dv);
            String out = BenchKit.run(List.of("curl", "-sS", "-f", "-o", "/dev/null", "-w", "%{time_total}", "-T",
                    file.toString(), "-X", "POST", "-H", "Authorization: Bearer " + token,
                    "-H", "Content-Type: application/octet-stream", "-H", "Expect:",
                    cluster.uploadProxyUrl() + "/v1beta1/upload-async"), Map.of(), false);
            deleteVolumes();
            return Double.parseDouble(out.strip());
        }

        /** kv-migrate import as users run it (its own JVM), into a fresh DataVolume; checked against the source. */
        Kv kv(Path image, Path reference) throws Exception {
            String dv = "kv-" + (++serial);
            Path rss = dir.resolve("rss");
            Path err = dir.resolve("kv.err");
            List<String> cmd = List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString(), kv, "import",
                    image.toString(), "--to", "dv/" + dv, "--kubeconfig", kubeconfig.toString(), "-o", "json");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
            // the bench's heap limit, then what the caller set (e.g. a logger's level to see the level choices)
            pb.environment().put("KV_MIGRATE_JAVA_OPTS", ("-Xmx" + xmx + " "
                    + System.getenv().getOrDefault("KV_MIGRATE_JAVA_OPTS", "")).strip());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("kv-migrate import failed: " + Files.readString(err));
            }
            JsonNode result = JSON.readTree(out).get(0);
            double s = ImportBench.uploadSeconds(Files.readAllLines(err));
            if (System.getenv("KV_LINK_DEBUG") != null) {
                Files.readAllLines(err).forEach(l -> System.err.println("  kv: " + l));
            }
            long rssMib = Long.parseLong(Files.readString(rss).strip().lines().reduce((x, y) -> y).orElse("0"))
                    / 1024;
            Path volume = cluster.volume("default", dv).orElseThrow().file();
            boolean identical = TestImages.identical(reference, volume);
            deleteVolumes();
            return new Kv(s, result.get("wireBytes").asLong(), result.path("levels").asText(""),
                    result.path("linkBytesPerSecond").asLong(0), rssMib, identical);
        }

        /** zstd -3 -T1 of {@code in} to {@code out}: the median wall time of the runs. */
        double zstd(Path in, Path out) throws Exception {
            List<Double> s = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                Files.deleteIfExists(out);
                s.add(BenchKit.time(List.of("zstd", "-q", "-3", "-T1", "-f", in.toString(), "-o", out.toString()),
                        Map.of()));
            }
            return BenchKit.median(s);
        }

        private void deleteVolumes() throws IOException {
            Path v = dir.resolve("volumes");
            if (Files.isDirectory(v)) {
                try (Stream<Path> s = Files.list(v)) {
                    for (Path p : s.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /**
     * The real-content disk of {@code size} bytes, cached in {@code cache} by content name and size: an ext4
     * filesystem made by {@code mkfs.ext4 -d} from copies of {@link #CONTENT} (whole files, in sorted order, rounds
     * of the list repeated) until half the disk is used; and its qcow2.
     */
    static Image image(Path cache, long size) throws Exception {
        Files.createDirectories(cache);
        String base = CONTENT_NAME + "-" + size / MIB + "m";
        Path raw = cache.resolve(base + ".raw");
        Path qcow2 = cache.resolve(base + ".qcow2");
        Path usedFile = cache.resolve(base + ".used");
        if (!Files.exists(raw) || !Files.exists(qcow2) || !Files.exists(usedFile)) {
            Path staging = cache.resolve(base + ".staging");
            FileTrees.deleteTree(staging);
            long target = size / 2 - size / 16; // ext4 metadata (inode tables, journal) makes up the rest
            long copied = stage(staging, target);
            Path tmp = cache.resolve(base + ".raw.tmp");
            Files.deleteIfExists(tmp);
            BenchKit.run(List.of("truncate", "-s", Long.toString(size), tmp.toString()), Map.of(), false);
            BenchKit.run(List.of("mkfs.ext4", "-q", "-F", "-L", "kvbench", "-E", "lazy_itable_init=0",
                    "-d", staging.toString(), tmp.toString()), Map.of(), false);
            FileTrees.deleteTree(staging);
            info("image: copied " + copied + " bytes of files from " + CONTENT);
            TestImages.convert(tmp, "qcow2", qcow2);
            Files.move(tmp, raw, StandardCopyOption.REPLACE_EXISTING);
            String df = BenchKit.run(List.of("dumpe2fs", "-h", raw.toString()), Map.of(), false);
            long blockSize = field(df, "Block size:");
            long used = (field(df, "Block count:") - field(df, "Free blocks:")) * blockSize;
            Files.writeString(usedFile, Long.toString(used));
        }
        long used = Long.parseLong(Files.readString(usedFile).strip());
        info(String.format(Locale.ROOT, "image %s: %d MiB, ext4 used %d MiB (%.0f %%), allocated in the file %d MiB;"
                + " qcow2 %d MiB", raw, size / MIB, used / MIB, 100.0 * used / size, TestImages.allocated(raw) / MIB,
                Files.size(qcow2) / MIB));
        return new Image(raw, qcow2, size, used);
    }

    private static long field(String dumpe2fs, String name) {
        return dumpe2fs.lines().filter(l -> l.startsWith(name)).findFirst()
                .map(l -> Long.parseLong(l.substring(name.length()).strip()))
                .orElseThrow(() -> new IllegalStateException("dumpe2fs printed no " + name));
    }

    /** Copies regular files and symlinks of {@link #CONTENT} into {@code staging} until {@code target} bytes. */
    private static long stage(Path staging, long target) throws IOException {
        long copied = 0;
        for (int round = 0; copied < target; round++) {
            long before = copied;
            for (String subtree : CONTENT) {
                Path src = Path.of(subtree);
                if (!Files.isDirectory(src) || copied >= target) {
                    continue;
                }
                List<Path> files;
                try (Stream<Path> walk = Files.walk(src)) {
                    files = walk.sorted().toList();
                }
                for (Path f : files) {
                    if (copied >= target) {
                        break;
                    }
                    Path to = staging.resolve("round" + round + f.toString());
                    try {
                        if (Files.isSymbolicLink(f)) {
                            Files.createDirectories(to.getParent());
                            Files.createSymbolicLink(to, Files.readSymbolicLink(f));
                        } else if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && Files.isReadable(f)) {
                            Files.createDirectories(to.getParent());
                            Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                            copied += Files.size(to);
                        }
                    } catch (IOException e) {
                        info("skipped " + f + ": " + e.getMessage());
                    }
                }
            }
            if (copied == before) {
                throw new IllegalStateException("none of " + CONTENT + " holds files to copy");
            }
        }
        return copied;
    }

    private static void info(String s) {
        System.err.println("INFO " + s);
    }
}
