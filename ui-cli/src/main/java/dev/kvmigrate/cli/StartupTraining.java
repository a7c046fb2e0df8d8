package dev.kvmigrate.cli;

import dev.kvmigrate.common.io.FileTrees;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The training run behind the {@code kv-migrate} launcher's class-data archive: the main commands run once, in one
 * JVM, on throw-away inputs, so that {@code -XX:DumpLoadedClassList} records the classes a real run loads (the option
 * parser, JNA and libvirt-java, the Kubernetes client, the inventory, converter, validator, importer and plan runner)
 * and the archive maps them at every start instead of each run loading them from the jars. Everything it writes
 * goes to a temporary directory it removes; what the commands print is dropped; a step that fails only leaves its
 * classes out of the archive.
 *
 * <p>Usage: {@code StartupTraining [XML_DIR]}: a directory of libvirt domain XML dumps (the bundled example) to scan,
 * convert and validate, and whose {@code XML_DIR-plan.yaml} beside it, when there is one, to run.
 */
public final class StartupTraining {
    private StartupTraining() {}

    public static void main(String[] args) throws IOException {
        KvMigrate.configureLogging(new String[0]);
        train(args.length > 0 ? Path.of(args[0]) : null);
        preload(StartupTraining.class);
        System.exit(0);
    }

    /** The jars, beside the CLI's own, whose every class goes into the archive: ours, libvirt-java and JNA. */
    private static final Pattern PRELOADED = Pattern.compile(
            "(kv-migrate-|libvirt-|jna-)[^/]*\\.jar");

    /**
     * Loads, without initializing them, every class of the jar that holds {@code anchor} and of the jars its manifest's
     * {@code Class-Path} names that {@link #PRELOADED} matches, so that the class list holds the code paths the steps
     * do not reach (a real libvirt daemon's volumes, oVirt, OVA, the cluster targets): a class the archive lacks is
     * read, parsed and verified from its jar at each start, after a search through the jars before it. A class that
     * does not load (an optional dependency missing) is left out. Returns how many loaded; none when {@code anchor}
     * does not come from a jar (the tests' class directories).
     */
    static int preload(Class<?> anchor) throws IOException {
        CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (source == null || !source.getLocation().getPath().endsWith(".jar")) {
            return 0;
        }
        Path jar;
        try {
            jar = Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            return 0;
        }
        List<Path> jars = new ArrayList<>(List.of(jar));
        try (JarFile f = new JarFile(jar.toFile())) {
            Manifest m = f.getManifest();
            String classPath = m == null ? null : m.getMainAttributes().getValue("Class-Path");
            for (String entry : classPath == null ? new String[0] : classPath.trim().split("\\s+")) {
                if (PRELOADED.matcher(entry.substring(entry.lastIndexOf('/') + 1)).matches()) {
                    jars.add(jar.resolveSibling(entry));
                }
            }
        }
        int loaded = 0;
        for (Path j : jars) {
            if (!Files.isRegularFile(j)) {
                continue;
            }
            try (JarFile f = new JarFile(j.toFile())) {
                for (String name : f.stream().map(JarEntry::getName)
                        .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/")
                                && !n.endsWith("module-info.class"))
                        .toList()) {
                    try {
                        Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false,
                                anchor.getClassLoader());
                        loaded++;
                    } catch (ClassNotFoundException | LinkageError e) {
                        // left out of the archive; loaded from its jar if a run ever needs it
                    }
                }
            }
        }
        return loaded;
    }

    /** Runs every step; returns each step's exit code, in order (-1: it threw). */
    static List<Integer> train(Path xmlDir) throws IOException {
        Path tmp = Files.createTempDirectory("kv-migrate-training-");
        try {
            List<Integer> codes = new ArrayList<>();
            for (List<String> step : steps(xmlDir, tmp)) {
                codes.add(run(step));
            }
            return codes;
        } finally {
            FileTrees.deleteTree(tmp);
        }
    }

    /**
     * The steps, each a command line. With {@code xmlDir}: scan, convert (its VMs may be blocked: the example's disk
     * images need not exist, exit 1) and validate, offline and against a cluster that does not answer, and the
     * example's plan ({@code NAME-plan.yaml} beside it) run into a directory; always {@code --help}, a
     * {@code test:///default} scan and an import.
     */
    static List<List<String>> steps(Path xmlDir, Path tmp) throws IOException {
        List<List<String>> steps = new ArrayList<>();
        steps.add(List.of("--help"));
        if (xmlDir != null && Files.isDirectory(xmlDir)) {
            String inventory = tmp.resolve("inventory.json").toString();
            String manifests = tmp.resolve("manifests").toString();
            steps.add(List.of("inventory", "scan", "--xml-dir", xmlDir.toString(), "--out", inventory));
            steps.add(List.of("convert", "--inventory", inventory, "--out", manifests));
            steps.add(List.of("validate", manifests));
            // the same against a cluster: the Kubernetes client, kubeconfig parsing, okhttp and TLS set-up, which a
            // DataVolume import otherwise loads from the jars at each start (about 1,800 of its 2,200 classes that
            // the archive lacked); nothing answers on the closed local port, so it ends "unreachable" (exit 4)
            Path kubeconfig = tmp.resolve("kubeconfig");
            Files.writeString(kubeconfig, unreachableKubeconfig());
            steps.add(List.of("validate", manifests, "--from-cluster", "--kubeconfig", kubeconfig.toString()));
            // the main job, as the README runs it: the example's plan (NAME-plan.yaml beside the XML directory) into
            // its directory target, on a copy of both, so its disks, journal and report land in the temporary directory
            Path plan = xmlDir.resolveSibling(xmlDir.getFileName() + "-plan.yaml");
            if (Files.isRegularFile(plan)) {
                Path host = tmp.resolve(xmlDir.getFileName().toString());
                copyXml(xmlDir, host);
                Path planCopy = Files.copy(plan, tmp.resolve(plan.getFileName().toString()));
                steps.add(List.of("plan", "example-disks", host.toString()));
                steps.add(List.of("plan", "run", planCopy.toString()));
            }
        }
        steps.add(List.of("inventory", "scan", "--libvirt", "test:///default", "-o", "json"));
        // a 4 MiB raw image, half data, imported into a directory
        Path image = tmp.resolve("training.raw");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            byte[] data = new byte[2 << 20];
            new java.util.Random(1).nextBytes(data);
            f.write(data);
            f.setLength(4 << 20);
        }
        steps.add(List.of("import", image.toString(), "--to", "dir:" + tmp.resolve("disks"), "-o", "json"));
        return steps;
    }

    /** {@code from}'s files into {@code to}, its {@code disks} directory left out (example-disks makes it anew). */
    private static void copyXml(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(f -> !from.relativize(f).startsWith("disks")).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    /** A kubeconfig whose API server is a local port nothing listens on (it was free a moment ago). */
    private static String unreachableKubeconfig() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        return "apiVersion: v1\nkind: Config\ncurrent-context: training\n"
                + "clusters: [{name: training, cluster: {server: 'https://127.0.0.1:" + port + "'}}]\n"
                + "users: [{name: training, user: {token: training}}]\n"
                + "contexts: [{name: training, context: {cluster: training, user: training, namespace: default}}]\n";
    }

    private static int run(List<String> args) {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        try {
            return KvMigrate.run(nowhere, nowhere, args.toArray(String[]::new));
        } catch (RuntimeException | LinkageError e) {
            return -1; // a step that fails only leaves its classes out of the archive
        }
    }
}
