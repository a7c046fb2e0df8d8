package dev.kvmigrate.cli;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.Quantities;
import dev.kvmigrate.importer.ImportResult;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.ProgressListener;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.sink.DirectorySink;
import dev.kvmigrate.importer.source.ImageSource;
import dev.kvmigrate.importer.source.ImageSources;
import dev.kvmigrate.importer.source.SourceSpec;
import dev.kvmigrate.importer.transfer.Checksum;
import dev.kvmigrate.importer.transfer.Compress;
import dev.kvmigrate.importer.transfer.RateLimiter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kv-migrate import}: stream disk images into PVCs through CDI upload, or into a directory. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Stream disk images into PVCs through CDI upload (DataVolume or PVC), or into a directory as"
            + " sparse raw files. Holes never cross the wire; every attempt gets a fresh token; 503/500/connection"
            + " loss are retried with backoff; a digest of the disk is computed while streaming."},
        footerHeading = "%nExamples:%n",
        footer = {"  kv-migrate import disk.qcow2 --to dv/vm1-disk0 -n vms",
            "  kv-migrate import vm.ova#disk1.vmdk --to dir:out/",
            "  kv-migrate import a.raw --to dv/a b.qcow2 --to dv/b --parallel 2 --limit-rate 200M",
            "  kv-migrate import --list disks.txt --parallel 4 -o json | jq .",
            "SOURCE: a local image (raw, qcow2, vmdk, vhd(x); gz/xz/zst too), FILE.ova#MEMBER, http(s)://URL,",
            "        libvirt:URI#POOL/VOLUME, or ovirt:DISK_ID (with --ovirt, --ovirt-user, --ovirt-password-file)."})
final class ImportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DebugOption debug;

    @Parameters(paramLabel = "SOURCE", arity = "0..*", description = "Image to import; pairs with the --to in the same position.")
    List<String> sources = new ArrayList<>();

    @Option(names = "--to", paramLabel = "TARGET", description = "dv/NAME, pvc/NAME or dir:PATH (one per SOURCE).")
    List<String> targets = new ArrayList<>();

    @Option(names = "--list", paramLabel = "FILE", description = "File of 'SOURCE TARGET' lines ('#' comments).")
    Path list;

    @Option(names = {"-n", "--namespace"}, description = "Namespace (default: the kubeconfig context's).")
    String namespace;

    @Option(names = "--kubeconfig", description = "Kubeconfig file (default: KUBECONFIG or ~/.kube/config).")
    Path kubeconfig;

    @Option(names = "--context", description = "Kubeconfig context (default: the current one).")
    String context;

    @Option(names = "--size", description = "Volume size when creating, e.g. 20Gi or 1.5Ti (k, M, G = powers of 1000; Ki, Mi, Gi = powers of 1024; default: the image's virtual size).")
    String size;

    @Option(names = "--storage-class", description = "Storage class when creating.")
    String storageClass;

    @Option(names = "--access-mode", description = "Access mode when creating, e.g. ReadWriteOnce.")
    String accessMode;

    @Option(names = "--volume-mode", description = "block or filesystem, when creating.")
    VolumeMode volumeMode;

    @Option(names = "--uploadproxy-url", description = "Upload proxy URL (default: CDIConfig override, then status).")
    String uploadProxyUrl;

    @Option(names = "--ca-file", description = "PEM CA bundle for the upload proxy (default: CDIConfig status.uploadProxyCA).")
    Path caFile;

    @Option(names = "--insecure", description = "Do not verify the upload proxy's TLS certificate.")
    boolean insecure;

    @Option(names = "--no-create", description = "Fail when the DataVolume/PVC does not exist.")
    boolean noCreate;

    @Option(names = "--force-bind", description = "Bind WaitForFirstConsumer volumes right away.")
    boolean forceBind;

    @Option(names = "--compress", defaultValue = "auto", description = "auto|zstd|gzip|none for raw images (default: ${DEFAULT-VALUE}).")
    Compress compress;

    @Option(names = "--checksum", defaultValue = "xxh3", description = "xxh3|sha256 (default: ${DEFAULT-VALUE}).")
    String checksum;

    @Option(names = "--limit-rate", paramLabel = "RATE", description = "Bandwidth cap for all transfers together, bytes per second: 100M is 10^8, 100Mi is 100 MiB; /s optional.")
    String limitRate;

    @Option(names = "--retries", defaultValue = "5", description = "Retries per disk after transient failures (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--wait", defaultValue = "10m", converter = Units.Wait.class, description = "How long to wait for readiness and processing (default: ${DEFAULT-VALUE}).")
    Duration waitLimit;

    @Option(names = "--stall-timeout", defaultValue = "60s", converter = Units.Wait.class, description = "An upload attempt that moves no byte for this long fails as stalled and is retried (default: ${DEFAULT-VALUE}).")
    Duration stallTimeout;

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text|json (default: ${DEFAULT-VALUE}).")
    Output output;

    @Option(names = "--ovirt", paramLabel = "URL", description = "oVirt engine API (https://ENGINE/ovirt-engine/api) for ovirt:DISK_ID sources.")
    String ovirt;

    @Option(names = "--ovirt-user", description = "oVirt user, e.g. admin@internal.")
    String ovirtUser;

    @Option(names = "--ovirt-password-file", description = "File holding the oVirt password (or env KV_MIGRATE_OVIRT_PASSWORD).")
    Path ovirtPasswordFile;

    @Option(names = "--ovirt-ca-file", description = "PEM CA bundle of the oVirt engine and imageio.")
    Path ovirtCaFile;

    @Option(names = "--overwrite", description = "Replace an existing NAME.img in a dir: target (refused otherwise).")
    boolean overwrite;

    @Option(names = "--parallel", defaultValue = "1", description = "Disks transferred at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    enum VolumeMode { block, filesystem }

    enum Output { text, json }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String[]> pairs = pairs();
        TransferSettings settings = settings();
        Optional<Long> sizeBytes = Optional.ofNullable(size).map(s -> Quantities.bytes(s, "--size"));
        try (ImportTargets sinks = new ImportTargets(Optional.ofNullable(kubeconfig), Optional.ofNullable(context),
                Optional.ofNullable(namespace), t -> {
                    var r = t.withCreate(!noCreate).withForceBind(forceBind).withTls(Optional.ofNullable(caFile), insecure)
                            .withStorage(Optional.ofNullable(storageClass), Optional.ofNullable(accessMode),
                                    Optional.ofNullable(volumeMode).map(VolumeMode::name));
                    r = sizeBytes.map(r::withSize).orElse(r);
                    return uploadProxyUrl == null ? r : r.withProxyUrl(uploadProxyUrl);
                });
                OvirtLogin.Lazy engine = OvirtLogin.lazy(ovirt, ovirtUser, ovirtPasswordFile, ovirtCaFile, insecure)) {
            if (overwrite) {
                sinks.allowOverwrite();
            }
            List<Importer.Job> jobs = new ArrayList<>();
            Optional<java.net.URI> engineUrl = Optional.ofNullable(ovirt).map(java.net.URI::create);
            ImageSources.Context context = ImageSources.Context.DEFAULT.withOvirt(uri -> engine.get().forDisksOn(uri));
            // as in a plan run: without qemu-img, a dir: target gets local qcow2 images read as raw in Java (asked
            // only when a qcow2 image is opened)
            long total = 0;
            for (String[] p : pairs) {
                // A dir: target is also where a disk that cannot be streamed gets its sparse temporary copy.
                // A cluster target takes a local qcow2 the Java reader reads whole as raw content (compressed, holes
                // skipped, no scratch volume for CDI's conversion), unless --compress none.
                ImageSources.Context c = p[1].startsWith("dir:")
                        ? context.withScratch(scratch(p[1])).withRawQcow2(() -> !DirectorySink.qemuImgInstalled())
                        : compress == Compress.NONE ? context : context.withRawWhereReadable();
                ImageSource source = ImageSources.open(SourceSpec.parse(p[0], engineUrl), c);
                var sink = sinks.sink(p[0], p[1], source.diskName());
                String disk = p[1].startsWith("dir:") ? source.diskName() : p[1].substring(p[1].indexOf('/') + 1);
                jobs.add(new Importer.Job(disk, source, sink));
                total += source.length().orElse(0L);
            }
            ProgressListener listener = listener(err, jobs.size(), total);
            List<Importer.Outcome> outcomes;
            try {
                outcomes = Importer.runAll(jobs, parallel, settings, listener);
            } finally {
                if (listener instanceof ImportBars bars) {
                    bars.close();
                }
            }
            return render(out, err, outcomes);
        }
    }

    private int render(PrintWriter out, PrintWriter err, List<Importer.Outcome> outcomes) {
        List<ImportResult> results = outcomes.stream().flatMap(o -> o.result().stream()).toList();
        if (output == Output.json) {
            Printer.print(out, results, OutputFormat.json);
        } else {
            for (ImportResult r : results) {
                // a dir: target sends nothing: it writes the data blocks and leaves holes for the rest
                String moved = r.target().startsWith("dir:") ? "%s, %s of data written" : "%s -> %s sent";
                out.printf(Locale.ROOT, "%s  %s  %s  " + moved + "  %d attempt(s)  %.1f s  %s%n", r.disk(), r.target(),
                        r.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'), Units.bytes(r.contentBytes()),
                        Units.bytes(r.wireBytes()), r.attempts(), r.seconds(), r.digest().isEmpty() ? "-" : r.digest());
            }
            out.flush();
        }
        List<KvMigrateException> failures = outcomes.stream().flatMap(o -> o.error().stream()).toList();
        if (failures.isEmpty()) {
            return ExitCode.OK.code();
        }
        if (outcomes.size() == 1) {
            throw failures.get(0);
        }
        failures.forEach(f -> err.println("kv-migrate: " + f.getMessage()));
        err.flush();
        return ExitCode.FINDINGS.code();
    }

    private ProgressListener listener(PrintWriter err, int disks, long total) {
        if (output == Output.json) {
            return new ImportEvents(err);
        }
        boolean terminal = System.console() != null && System.getenv("NO_COLOR") == null
                && spec.commandLine().getErr() != null && !"dumb".equals(System.getenv("TERM"));
        return terminal ? new ImportBars(disks, total) : new ImportProgress(err);
    }

    /** The transfer settings the options give (package-private for the rate parity test). */
    TransferSettings settings() {
        Checksum sum = switch (checksum.toLowerCase(Locale.ROOT)) {
            case "xxh3", "xxh3-128" -> Checksum.XXH3;
            case "sha256", "sha-256" -> Checksum.SHA256;
            default -> throw KvMigrateException.invalidInput("--checksum '" + checksum + "': use xxh3 or sha256", null);
        };
        if (retries < 0 || parallel < 1) {
            throw new ParameterException(spec.commandLine(), "--retries must be >= 0 and --parallel >= 1");
        }
        if (stallTimeout.isZero() || stallTimeout.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--stall-timeout must be positive, e.g. 60s");
        }
        return TransferSettings.defaults().withCompress(compress).withChecksum(sum).withRetries(retries)
                .withWait(waitLimit).withStallTimeout(stallTimeout).withLimiter(limitRate == null ? RateLimiter.unlimited()
                        : RateLimiter.of(Quantities.bytesPerSecond(limitRate, "--limit-rate")));
    }

    private static java.nio.file.Path scratch(String dirTarget) {
        java.nio.file.Path dir = java.nio.file.Path.of(dirTarget.substring("dir:".length()));
        try {
            return java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw dev.kvmigrate.common.KvMigrateException.io("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    private List<String[]> pairs() {
        List<String[]> pairs = new ArrayList<>();
        if (sources.size() != targets.size()) {
            throw new ParameterException(spec.commandLine(), "give one --to per SOURCE: " + sources.size()
                    + " source(s), " + targets.size() + " --to");
        }
        for (int i = 0; i < sources.size(); i++) {
            pairs.add(new String[] {sources.get(i), targets.get(i)});
        }
        if (list != null) {
            try {
                int n = 0;
                for (String line : Files.readAllLines(list)) {
                    n++;
                    String t = line.strip();
                    if (t.isEmpty() || t.startsWith("#")) {
                        continue;
                    }
                    String[] parts = t.split("\\s+");
                    if (parts.length != 2) {
                        throw KvMigrateException.invalidInput(list + ":" + n + ": expected 'SOURCE TARGET', got '" + t
                                + "'", null);
                    }
                    pairs.add(parts);
                }
            } catch (IOException e) {
                throw KvMigrateException.io("--list " + list + " is not readable: " + e.getMessage(), e);
            }
        }
        if (pairs.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "nothing to import: give SOURCE --to TARGET or --list FILE");
        }
        return pairs;
    }
}
