package dev.kvmigrate.bench;

import dev.kvmigrate.common.disk.DiskLocation;
import dev.kvmigrate.common.io.FileTrees;
import dev.kvmigrate.importer.ImportResult;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.ProgressListener;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.sink.DirectorySink;
import dev.kvmigrate.importer.source.ImageSource;
import dev.kvmigrate.importer.source.ImageSources;
import dev.kvmigrate.importer.source.LibvirtSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * bench/libvirt: a libvirt storage volume downloaded into a directory, kv-migrate against {@code virsh vol-download}
 * (the libvirt baseline), on a real daemon, in one run: (a) a 4 GiB raw volume holding 10 % data, kv-migrate against
 * {@code virsh vol-download --sparse} and against kv-migrate's own dense (non-sparse) download of the same volume;
 * (b) a dense 1 GiB raw volume against {@code virsh vol-download}. Each timing is the median of {@code --runs} runs
 * of a fresh process, interleaved: each round runs virsh, virsh and a sync, and kv-migrate in place and through the
 * stream once each, in an order rotated from round to round, so that the host's drift over minutes weighs on all
 * alike (kv-migrate's JVM start-up included; the start-up alone, {@code kv-migrate --version}, is printed apart),
 * into the same directory; the outputs are compared by SHA-256; bytes that crossed the libvirt stream
 * come from an in-process import with the same code (its time printed on an INFO line). On a local daemon
 * kv-migrate reads a volume in place from its file (after checking it is the volume's); each case is also timed
 * forced through the daemon's volume download ({@code -Dkvmigrate.libvirt.local=false}: {@code stream_s}), the path
 * a remote URI takes.
 *
 * <p>kv-migrate flushes what it wrote to the disk ({@code fdatasync}) before it reports a disk done, so that a run's
 * journal never records as done a disk a power cut can still lose; {@code virsh vol-download} leaves its file in the
 * page cache. So each baseline is also measured followed by {@code sync --data FILE} (as durable as kv-migrate's
 * output), printed beside it.
 *
 * <p>Usage: {@code LibvirtBench --kv LAUNCHER [--uri qemu:///system] [--runs 3] [--work /var/lib/libvirt/images]
 * [--sparse-mib 4096] [--dense-mib 1024]} (CI runs it small: {@code --runs 1 --sparse-mib 256 --dense-mib 64}).
 */
public final class LibvirtBench {
    private static final long MIB = BenchKit.MIB;
    private static final String POOL = "kvmit-bench-pool";

    private LibvirtBench() {}

    public static void main(String[] args) throws Exception {
        String kvLauncher = null;
        String uri = "qemu:///system";
        int runs = 3;
        Path work = Path.of("/var/lib/libvirt/images");
        long sparseMib = 4096;
        long denseMib = 1024;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kv" -> kvLauncher = args[++i];
                case "--uri" -> uri = args[++i];
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--sparse-mib" -> sparseMib = Long.parseLong(args[++i]);
                case "--dense-mib" -> denseMib = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (kvLauncher == null) {
            throw new IllegalArgumentException("--kv LAUNCHER (the kv-migrate script) is required");
        }
        Path home = Files.createDirectories(work.resolve("kvmit-bench-" + UUID.randomUUID().toString()
                .substring(0, 8)));
        Path pool = Files.createDirectories(home.resolve("pool"));
        Path out = Files.createDirectories(home.resolve("out"));
        List<String> results = new ArrayList<>();
        try {
            BenchKit.sparseRandom(pool.resolve("sparse.raw"), sparseMib * MIB, 0.10, 1);
            BenchKit.sparseRandom(pool.resolve("dense.raw"), denseMib * MIB, 1.0, 2);
            run(List.of("virsh", "-c", uri, "pool-destroy", POOL), true);
            run(List.of("virsh", "-c", uri, "pool-create-as", POOL, "dir", "--target", pool.toString()), false);
            Kv kv = new Kv(kvLauncher, uri, out);
            time(kv.command(List.of("--version"), ""));   // the launcher's class-data archive, made once per build
            double startUp = BenchKit.median(runs, () -> settledTime(kv.command(List.of("--version"), "")));
            System.out.printf(Locale.ROOT, "INFO JVM start-up (kv-migrate --version): %.2f s%n", startUp);

            Case sparse = measure("sparse " + sparseMib + " MiB, 10 % data", "sparse.raw", true, uri, out, kv, runs);
            Case denseOfSparse = measureKvDense("sparse.raw", out, kv, runs);
            Case dense = measure("dense " + denseMib + " MiB", "dense.raw", false, uri, out, kv, runs);
            long denseBytes = inProcess(uri, "sparse.raw", out, false, false).received();

            // kv_s includes the JVM start-up (startup_s); targets: ratio <= 1.20, ratio3 (sparse/dense) <= 0.30.
            // path: how kv-migrate read the volume by default (in-place: the daemon is local); stream_s: the same
            // import forced through the daemon's volume download, stream_ratio its ratio to the same baseline;
            // ratio3 compares the stream paths (sparse against dense download of the same volume).
            results.add(String.format(Locale.ROOT, "RESULT bench=libvirt case=sparse-%dmib-10pct kv_s=%.2f path=%s"
                    + " base=virsh-sparse base_s=%.2f ratio=%.3f base2=virsh-sparse+fdatasync base2_s=%.2f"
                    + " ratio2=%.3f stream_s=%.2f stream_ratio=%.3f base3=kv-dense base3_s=%.2f ratio3=%.3f"
                    + " wire_bytes=%d dense_wire_bytes=%d identical=%s startup_s=%.2f runs=%d", sparseMib,
                    sparse.kv(), sparse.path(), sparse.baseline(), sparse.kv() / sparse.baseline(), sparse.durable(),
                    sparse.kv() / sparse.durable(), sparse.stream(), sparse.stream() / sparse.baseline(),
                    denseOfSparse.kv(), sparse.stream() / denseOfSparse.kv(), sparse.bytes(), denseBytes,
                    sparse.identical() && denseOfSparse.identical() ? "yes" : "no", startUp, runs));
            results.add(String.format(Locale.ROOT, "RESULT bench=libvirt case=dense-%dmib kv_s=%.2f path=%s"
                    + " base=virsh base_s=%.2f ratio=%.3f base2=virsh+fdatasync base2_s=%.2f ratio2=%.3f"
                    + " stream_s=%.2f stream_ratio=%.3f wire_bytes=%d identical=%s startup_s=%.2f runs=%d", denseMib,
                    dense.kv(), dense.path(), dense.baseline(), dense.kv() / dense.baseline(), dense.durable(),
                    dense.kv() / dense.durable(), dense.stream(), dense.stream() / dense.baseline(), dense.bytes(),
                    dense.identical() ? "yes" : "no", startUp, runs));
        } finally {
            run(List.of("virsh", "-c", uri, "pool-destroy", POOL), true);
            FileTrees.deleteTree(home);
        }
        results.forEach(System.out::println);
    }

    /**
     * {@code kv}: kv-migrate as users run it (a local daemon's volume read in place when it can be); {@code stream}:
     * forced through the daemon's volume download; {@code bytes}: what crossed the stream on that path.
     */
    private record Case(String name, double kv, String path, double stream, double baseline, double durable,
            long bytes, boolean identical) {}

    /**
     * kv-migrate's {@code import} as users run it: the {@code kv-migrate} launcher, a fresh JVM each time (with the
     * class-data sharing archive the launcher keeps). JVM properties go through {@code KV_MIGRATE_JAVA_OPTS}.
     */
    private record Kv(String launcher, String uri, Path out) {
        Command command(List<String> args, String javaOpts) {
            List<String> cmd = new ArrayList<>(List.of(launcher));
            cmd.addAll(args);
            return new Command(cmd, javaOpts);
        }

        /** {@code inPlace} false: through the daemon's stream even though it is local; {@code sparse} false: dense. */
        Command importCommand(String volume, boolean sparse, boolean inPlace) {
            List<String> opts = new ArrayList<>();
            if (!sparse) {
                opts.add("-Dkvmigrate.libvirt.sparse=false");
            }
            if (!inPlace) {
                opts.add("-Dkvmigrate.libvirt.local=false");
            }
            return command(List.of("import", "libvirt:" + uri + "#" + POOL + "/" + volume, "--to", "dir:" + out,
                    "--overwrite"), String.join(" ", opts));
        }
    }

    private record Command(List<String> args, String javaOpts) {
        Command(List<String> args) {
            this(args, "");
        }
    }

    private static Case measure(String name, String volume, boolean sparse, String uri, Path out, Kv kv, int runs)
            throws Exception {
        Path baselineFile = out.resolve("virsh-" + volume);
        List<String> virsh = new ArrayList<>(List.of("virsh", "-c", uri, "vol-download", "--pool", POOL));
        if (sparse) {
            virsh.add("--sparse");
        }
        virsh.addAll(List.of(volume, baselineFile.toString()));
        // virsh, virsh + sync, kv-migrate in place and through the stream, interleaved round by round
        String[] digests = new String[3];
        List<BenchKit.Timed> tasks = List.of(() -> {
            Files.deleteIfExists(baselineFile);
            double t = settledTime(new Command(virsh));
            digests[0] = digests[0] == null ? BenchKit.sha256(baselineFile) : digests[0];
            return t;
        }, () -> {
            Files.deleteIfExists(baselineFile);
            return settledTime(new Command(virsh))
                    + time(new Command(List.of("sync", "--data", baselineFile.toString())));
        }, () -> kvRun(kv, out, volume, true, digests, 1), () -> kvRun(kv, out, volume, false, digests, 2));
        double[] m = BenchKit.interleavedMedians(runs, tasks);
        double baseline = m[0];
        double durable = m[1];
        double[] times = {m[2], m[3]};
        Files.deleteIfExists(baselineFile);
        boolean identical = digests[0].equals(digests[1]) && digests[0].equals(digests[2]);
        InProcess local = inProcess(uri, volume, out, true, true);
        InProcess streamed = inProcess(uri, volume, out, true, false);
        System.out.printf(Locale.ROOT, "INFO %s: in-process import %.2f s %s (%d bytes over the stream),"
                + " %.2f s through the stream (%d bytes over it, %d in holes)%n", name, local.seconds(),
                local.inPlace() ? "read in place" : "streamed", local.received(), streamed.seconds(),
                streamed.received(), streamed.holes());
        return new Case(name, times[0], local.inPlace() ? "in-place" : "stream", times[1], baseline, durable,
                streamed.received(), identical);
    }

    /** One kv-migrate import of {@code volume} into {@code out}; the digest of its first output goes to digests[i]. */
    private static double kvRun(Kv kv, Path out, String volume, boolean inPlace, String[] digests, int i)
            throws Exception {
        BenchKit.deleteFiles(out, ".img");
        double t = settledTime(kv.importCommand(volume, true, inPlace));
        if (digests[i] == null) {
            digests[i] = BenchKit.sha256(kvOutput(out, volume));
        }
        BenchKit.deleteFiles(out, ".img");
        return t;
    }

    private static Case measureKvDense(String volume, Path out, Kv kv, int runs) throws Exception {
        Path reference = out.resolve("reference-" + volume);
        double kvTime = BenchKit.median(runs, () -> {
            BenchKit.deleteFiles(out, ".img");
            return settledTime(kv.importCommand(volume, false, false));
        });
        Path kvFile = kvOutput(out, volume);
        Files.move(kvFile, reference);
        time(kv.importCommand(volume, true, false));
        boolean identical = BenchKit.sha256(kvOutput(out, volume)).equals(BenchKit.sha256(reference));
        Files.delete(kvOutput(out, volume));
        Files.delete(reference);
        return new Case("dense download of " + volume, kvTime, "stream", kvTime, Double.NaN, Double.NaN, -1,
                identical);
    }

    /** The file {@code import --to dir:OUT} wrote for {@code volume} (named after the volume's disk name). */
    private static Path kvOutput(Path out, String volume) throws IOException {
        try (Stream<Path> files = Files.list(out)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".img")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("kv-migrate wrote no image for " + volume + " in "
                            + out));
        }
    }

    private record InProcess(double seconds, long received, long holes, boolean inPlace) {}

    /** The same import in this JVM, to read the libvirt stream counters. */
    private static InProcess inProcess(String uri, String volume, Path out, boolean sparse, boolean inPlace)
            throws Exception {
        System.setProperty("kvmigrate.libvirt.sparse", Boolean.toString(sparse));
        System.setProperty("kvmigrate.libvirt.local", Boolean.toString(inPlace));
        try {
            ImageSource source = ImageSources.open(new DiskLocation.LibvirtVolume(uri, POOL, volume),
                    ImageSources.Context.DEFAULT.withScratch(out));
            Path dir = Files.createDirectories(out.resolve("in-process"));
            run(List.of("sync"), false);
            long t0 = System.nanoTime();
            ImportResult r = Importer.run(new Importer.Job(volume, source, new DirectorySink(dir, "disk")
                    .replacingExisting()), TransferSettings.defaults(), ProgressListener.NONE);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (r == null) {
                throw new IllegalStateException("no result for " + volume);
            }
            FileTrees.deleteTree(dir);
            LibvirtSource counted = (LibvirtSource) source;
            return new InProcess(seconds, counted.counters().bytesReceived(), counted.counters().holeBytes(),
                    counted.counters().localFile());
        } finally {
            System.clearProperty("kvmigrate.libvirt.sparse");
            System.clearProperty("kvmigrate.libvirt.local");
        }
    }

    /**
     * {@link #time} of {@code cmd} started on a settled disk: {@code sync} first (not timed), so that no run pays for
     * the write-back of what an earlier step wrote (the volumes just made, a deleted output's discards). Unsettled, the
     * same {@code virsh vol-download --sparse} took 0.9 s or 3.7 s by what ran before it.
     */
    private static double settledTime(Command cmd) throws Exception {
        run(List.of("sync"), false);
        return time(cmd);
    }

    private static double time(Command cmd) throws Exception {
        return BenchKit.time(cmd.args(), cmd.javaOpts().isEmpty() ? Map.of()
                : Map.of("KV_MIGRATE_JAVA_OPTS", cmd.javaOpts()));
    }

    private static void run(List<String> cmd, boolean mayFail) throws Exception {
        BenchKit.run(cmd, Map.of(), mayFail);
    }
}
