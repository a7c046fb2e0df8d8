package dev.kvmigrate.bench;

import dev.kvmigrate.common.io.FileTrees;
import dev.kvmigrate.common.json.Mappers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.importer.standin.ClusterStandIn;
import dev.kvmigrate.importer.standin.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * bench/import: kv-migrate (a separate JVM, as users run it) against {@code curl -T} (what virtctl sends: every
 * byte, uncompressed, with the same Bearer token) pushing the same images into the same loopback stand-in upload
 * proxy. Times are the upload itself for both (kv: from its transfer-phase event to its process-phase event; curl:
 * its time_total); kv's end-to-end wall time (JVM start, DataVolume creation, waits) is printed on an INFO line.
 *
 * <p>Each case runs {@code --runs} times (default 3): kv_s and base_s are medians, ratio their quotient; kv's RSS
 * is the largest of the runs. A RESULT line per case ({@code bench=import case=… kv_s base=curl base_s ratio
 * wire_bytes identical kv_rss_mib encoding runs}); the process exits 1 when a volume differs from its image.
 *
 * <p>Usage: {@code ImportBench --kv-cp CLASSPATH [--work DIR] [--cases abc] [--xmx 160m] [--runs 3]
 * [--small]} ({@code --small}: the same three cases at 1/16 of the size, for CI)
 */
public final class ImportBench {
    private static final ObjectMapper JSON = Mappers.json();

    private record Case(String id, Path image, Path reference, long allocated) {}

    /** One run of a case: upload seconds of each, kv's peak RSS and wire bytes, whether the volume matched. */
    private record Run(double kvS, double curlS, long rssMib, long wireBytes, boolean identical, String encoding) {}

    private ImportBench() {}

    public static void main(String[] args) throws Exception {
        String kvCp = null;
        Path work = Path.of(System.getProperty("java.io.tmpdir"));
        String cases = "abc";
        String xmx = "160m";
        int runs = 3;
        long scale = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kv-cp" -> kvCp = args[++i];
                case "--work" -> work = Path.of(args[++i]);
                case "--cases" -> cases = args[++i];
                case "--xmx" -> xmx = args[++i];
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--small" -> scale = 16;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (kvCp == null) {
            throw new IllegalArgumentException("--kv-cp CLASSPATH of kv-migrate is required");
        }
        Path dir = Files.createTempDirectory(work, "kv-import-bench-");
        List<String> results = new ArrayList<>();
        boolean allIdentical = true;
        try (ClusterStandIn cluster = ClusterStandIn.start(dir.resolve("volumes"), BenchKit.swagger())) {
            Path kubeconfig = BenchKit.kubeconfig(dir, cluster);
            for (char c : cases.toCharArray()) {
                Case k = make(dir, c, scale);
                double[] kvS = new double[runs];
                double[] curlS = new double[runs];
                long rss = 0;
                boolean identical = true;
                Run last = null;
                for (int r = 0; r < runs; r++) {
                    last = run(k, r, cluster, kubeconfig, kvCp, xmx, dir);
                    kvS[r] = last.kvS();
                    curlS[r] = last.curlS();
                    rss = Math.max(rss, last.rssMib());
                    identical &= last.identical();
                    deleteVolumes(dir.resolve("volumes"));
                }
                allIdentical &= identical;
                double kv = BenchKit.median(kvS);
                double curl = BenchKit.median(curlS);
                results.add(String.format(Locale.ROOT, "RESULT bench=import case=%s kv_s=%.2f base=curl base_s=%.2f"
                        + " ratio=%.3f wire_bytes=%d identical=%s kv_rss_mib=%d encoding=%s runs=%d", k.id(), kv,
                        curl, kv / curl, last.wireBytes(), identical ? "yes" : "no", rss, last.encoding(), runs));
                Files.deleteIfExists(k.image());
                Files.deleteIfExists(k.reference());
            }
        } finally {
            FileTrees.deleteTree(dir);
        }
        results.forEach(System.out::println);
        if (!allIdentical) {
            System.exit(1);
        }
    }

    private static Case make(Path dir, char id, long scale) throws Exception {
        long gib = (1L << 30) / scale;
        info("case " + id + ": making the image");
        return switch (id) {
            case 'a' -> {
                Path a = dir.resolve("a.raw");
                exec(List.of("dd", "if=/dev/urandom", "of=" + a, "bs=4M", "count=" + 512 / scale, "status=none"));
                yield new Case("a", a, a, TestImages.allocated(a));
            }
            case 'b' -> {
                Path b = TestImages.sparseRaw(dir.resolve("b.raw"), 8 * gib, 0.10, 42);
                yield new Case("b", b, b, TestImages.allocated(b));
            }
            case 'c' -> {
                Path raw = TestImages.sparseRaw(dir.resolve("c.raw"), 4 * gib, 0.50, 43);
                Path q = TestImages.convert(raw, "qcow2", dir.resolve("c.qcow2"));
                yield new Case("c", q, raw, TestImages.allocated(raw));
            }
            default -> throw new IllegalArgumentException("no case " + id + " (a, b or c)");
        };
    }

    private static Run run(Case k, int r, ClusterStandIn cluster, Path kubeconfig, String kvCp, String xmx,
            Path dir) throws Exception {
        // curl: the virtctl baseline, into its own DataVolume made ready the same way.
        String curlDv = "case-" + k.id() + "-" + r + "-curl";
        BenchKit.createDataVolume(cluster, curlDv, Files.size(k.reference()));
        BenchKit.awaitPhase(cluster, curlDv, "UploadReady", Duration.ofSeconds(15));
        String token = BenchKit.token(cluster, curlDv);
        info("case " + k.id() + ": curl -T");
        List<String> curl = List.of("curl", "-sS", "-f", "-o", "/dev/null", "-w", "%{time_total}", "-T",
                k.image().toString(), "-X", "POST", "-H", "Authorization: Bearer " + token,
                "-H", "Content-Type: application/octet-stream", "-H", "Expect:",
                cluster.uploadProxyUrl() + "/v1beta1/upload-async");
        double curlS = Double.parseDouble(exec(curl).strip());
        deleteVolumes(dir.resolve("volumes"));

        info("case " + k.id() + ": kv-migrate import");
        Path rss = dir.resolve("rss-" + k.id());
        Path err = dir.resolve("kv-" + k.id() + ".err");
        List<String> kv = List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + xmx, "-XX:+UseSerialGC",
                "-cp", kvCp, "dev.kvmigrate.cli.KvMigrate", "import", k.image().toString(),
                "--to", "dv/case-" + k.id() + "-" + r + "-kv", "--kubeconfig", kubeconfig.toString(), "-o", "json");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(kv).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        double wall = (System.nanoTime() - t0) / 1e9;
        if (rc != 0) {
            throw new IllegalStateException("kv-migrate import failed (" + rc + "): " + Files.readString(err));
        }
        JsonNode result = JSON.readTree(out).get(0);
        double kvS = uploadSeconds(Files.readAllLines(err));
        long rssMib = Long.parseLong(Files.readString(rss).strip().lines().reduce((x, y) -> y).orElse("0")) / 1024;
        Path volume = cluster.volume("default", "case-" + k.id() + "-" + r + "-kv").orElseThrow().file();
        boolean identical = TestImages.identical(k.reference(), volume);
        info(String.format(Locale.ROOT, "case %s run %d: kv upload %.2f s, curl %.2f s; kv end-to-end %.2f s (JVM"
                + " start, DataVolume, waits included), allocated data %d bytes, encoding %s", k.id(), r + 1, kvS,
                curlS, wall, k.allocated(), result.get("encoding").asText()));
        return new Run(kvS, curlS, rssMib, result.get("wireBytes").asLong(), identical,
                result.get("encoding").asText().replace(' ', '_'));
    }

    /** From the last transfer-phase event (the attempt that worked) to the process-phase event. */
    static double uploadSeconds(List<String> events) throws IOException {
        Instant start = null;
        Instant end = null;
        for (String line : events) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode e = JSON.readTree(line);
            if ("phase".equals(e.path("event").asText())) {
                if ("transfer".equals(e.path("phase").asText())) {
                    start = Instant.parse(e.get("time").asText());
                } else if ("process".equals(e.path("phase").asText())) {
                    end = Instant.parse(e.get("time").asText());
                }
            }
        }
        if (start == null || end == null) {
            throw new IllegalStateException("kv-migrate's events lack a transfer or process phase");
        }
        return Duration.between(start, end).toNanos() / 1e9;
    }

    private static String exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd.subList(0, 2)) + " failed");
        }
        return out;
    }

    private static void deleteVolumes(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void info(String s) {
        System.err.println("INFO " + s);
    }
}
