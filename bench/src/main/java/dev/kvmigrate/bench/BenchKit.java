package dev.kvmigrate.bench;

import dev.kvmigrate.importer.sink.CdiResources;
import dev.kvmigrate.importer.standin.ClusterStandIn;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the benches that run kv-migrate and a baseline as processes share: images, timing, digests, clean-up. */
final class BenchKit {
    static final long MIB = 1L << 20;

    private static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

    private BenchKit() {}

    /** Drops the clean page cache; false where this process may not (not root, a container). */
    static boolean dropCaches() {
        if (!Files.isWritable(DROP_CACHES)) {
            return false;
        }
        try {
            Files.writeString(DROP_CACHES, "1");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads every file through the page cache, {@code streams} at a time; nothing is kept. */
    static void readThroughCache(List<Path> files, int streams) throws Exception {
        ConcurrentLinkedQueue<Path> queue = new ConcurrentLinkedQueue<>(files);
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                readers.add(pool.submit(() -> {
                    ByteBuffer buf = ByteBuffer.allocateDirect((int) MIB);
                    for (Path f; (f = queue.poll()) != null;) {
                        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                            while (ch.read(buf.clear()) >= 0) {
                                // through the cache, nothing kept
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : readers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A raw image: {@code fraction} of it random data in 4 MiB runs spread evenly, the rest holes. */
    static void sparseRandom(Path file, long size, double fraction, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[(int) (4 * MIB)];
        long chunks = size / chunk.length;
        long data = Math.round(chunks * fraction);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long i = 0; i < data; i++) {
                random.nextBytes(chunk);
                long at = (long) Math.floor(i * (double) chunks / data) * chunk.length;
                ByteBuffer b = ByteBuffer.wrap(chunk);
                while (b.hasRemaining()) {
                    ch.write(b, at + b.position());
                }
            }
            ch.truncate(size);
            if (ch.size() < size) {
                ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
        }
    }

    interface Timed {
        double seconds() throws Exception;
    }

    /** The median of {@code runs} timings. */
    static double median(int runs, Timed t) throws Exception {
        double[] s = new double[runs];
        for (int i = 0; i < runs; i++) {
            s[i] = t.seconds();
        }
        Arrays.sort(s);
        return s[runs / 2];
    }

    /**
     * The median of {@code runs} timings of each of {@code tasks}, run in rounds: every round runs each task once, in
     * an order rotated by one from the round before, so that a host whose speed drifts over minutes (this one's does)
     * or a task that leaves work behind for the next (write-back, discards) weighs on all of them alike.
     */
    static double[] interleavedMedians(int runs, List<Timed> tasks) throws Exception {
        double[][] s = new double[tasks.size()][runs];
        for (int r = 0; r < runs; r++) {
            for (int j = 0; j < tasks.size(); j++) {
                int k = (j + r) % tasks.size();
                s[k][r] = tasks.get(k).seconds();
            }
        }
        double[] out = new double[tasks.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = median(s[k]);
        }
        return out;
    }

    /** The median of {@code values} (the mean of the middle two when their number is even). */
    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The median of {@code values} (the mean of the middle two when their number is even). */
    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Runs {@code cmd} with {@code env} added; its output when it succeeds (or when {@code mayFail}). */
    static String run(List<String> cmd, Map<String, String> env, boolean mayFail) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0 && !mayFail) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + text);
        }
        return text;
    }

    /** CPU seconds (user + system) this JVM used, and its children that have exited (as wait(2) counts them). */
    record Cpu(double self, double children) {
        Cpu since(Cpu before) {
            return new Cpu(self - before.self, children - before.children);
        }
    }

    /** What {@code /proc/self/stat} says so far (utime + stime, cutime + cstime; 100 ticks a second). */
    static Cpu cpu() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        // the fields after "(comm)": state is the first, utime the 12th, stime, cutime, cstime the next three
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return new Cpu((Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0,
                (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0);
    }

    /** Wall time of {@code cmd}, which must succeed. */
    static double time(List<String> cmd, Map<String, String> env) throws Exception {
        long t0 = System.nanoTime();
        run(cmd, env, false);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The files in {@code dir} whose names end with {@code suffix}, removed. */
    static void deleteFiles(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(suffix)).toList()) {
                Files.delete(f);
            }
        }
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    // the loopback CDI stand-in, as the upload benches drive it

    static Path swagger() {
        Path p = Path.of(System.getProperty("kvmigrate.shared", "../shared"), "schemas/cdi-swagger.json");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("CDI swagger not found at " + p.toAbsolutePath()
                    + "; run from the repository root with ../shared beside it (or -Dkvmigrate.shared=DIR)");
        }
        return p;
    }

    static void createDataVolume(ClusterStandIn cluster, String name, long size) {
        GenericKubernetesResource dv = new GenericKubernetesResource();
        dv.setApiVersion("cdi.kubevirt.io/v1beta1");
        dv.setKind("DataVolume");
        dv.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
        dv.setAdditionalProperty("spec", Map.of("contentType", "kubevirt", "source", Map.of("upload", Map.of()),
                "storage", Map.of("resources", Map.of("requests", Map.of("storage", Long.toString(size))))));
        cluster.client().genericKubernetesResources(CdiResources.DATA_VOLUME).inNamespace("default").resource(dv)
                .create();
    }

    /** Waits up to {@code timeout} for the DataVolume's {@code status.phase}. */
    static void awaitPhase(ClusterStandIn cluster, String name, String phase, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            GenericKubernetesResource dv = cluster.client().genericKubernetesResources(CdiResources.DATA_VOLUME)
                    .inNamespace("default").withName(name).get();
            Object status = dv.getAdditionalProperties().get("status");
            if (status instanceof Map<?, ?> m && phase.equals(m.get("phase"))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("DataVolume " + name + " never reached " + phase);
    }

    static String token(ClusterStandIn cluster, String pvc) {
        GenericKubernetesResource req = new GenericKubernetesResource();
        req.setApiVersion("upload.cdi.kubevirt.io/v1beta1");
        req.setKind("UploadTokenRequest");
        req.setMetadata(new ObjectMetaBuilder().withName("bench").withNamespace("default").build());
        req.setAdditionalProperty("spec", Map.of("pvcName", pvc));
        req.setAdditionalProperty("status", Map.of());
        GenericKubernetesResource answer = cluster.client().genericKubernetesResources(
                CdiResources.UPLOAD_TOKEN_REQUEST).inNamespace("default").resource(req).create();
        return ((Map<?, ?>) answer.getAdditionalProperties().get("status")).get("token").toString();
    }

    static Path kubeconfig(Path dir, ClusterStandIn cluster) throws IOException {
        Path k = dir.resolve("kubeconfig");
        Files.writeString(k, "apiVersion: v1\nkind: Config\nclusters: [{name: s, cluster: {server: \""
                + cluster.client().getMasterUrl() + "\"}}]\nusers: [{name: u, user: {token: t}}]\n"
                + "contexts: [{name: s, context: {cluster: s, user: u, namespace: default}}]\ncurrent-context: s\n");
        return k;
    }

}
