package dev.kvmigrate.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the benches that run kv-migrate and a baseline as processes share: images, timing, digests, clean-up. */
final class BenchKit {
    static final long MIB = 1L << 20;

    private BenchKit() {}

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

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
