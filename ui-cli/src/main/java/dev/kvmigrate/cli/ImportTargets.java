package dev.kvmigrate.cli;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.converter.validate.ClusterProbe;
import dev.kvmigrate.importer.sink.CdiTarget;
import dev.kvmigrate.importer.sink.CdiUploadSink;
import dev.kvmigrate.importer.sink.DirectorySink;
import dev.kvmigrate.importer.sink.VolumeSink;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Parses {@code --to} values ({@code dv/NAME}, {@code pvc/NAME}, {@code dir:PATH}) into sinks. */
final class ImportTargets implements AutoCloseable {
    private final Optional<Path> kubeconfig;
    private final Optional<String> context;
    private final Optional<String> namespace;
    private final Function<CdiTarget, CdiTarget> options;
    private KubernetesClient client;
    private String resolvedNamespace;
    private boolean overwrite;
    /** Where each target of this command goes: the sink's target → the source sent there. */
    private final Map<String, String> claimed = new HashMap<>();

    ImportTargets(Optional<Path> kubeconfig, Optional<String> context, Optional<String> namespace,
            Function<CdiTarget, CdiTarget> options) {
        this.kubeconfig = kubeconfig;
        this.context = context;
        this.namespace = namespace;
        this.options = options;
    }

    /** Lets directory targets replace an existing {@code NAME.img} ({@code --overwrite}). */
    void allowOverwrite() {
        overwrite = true;
    }

    /**
     * The sink for {@code spec}, refusing a target that an earlier source of the same command already goes to
     * (two disks named alike into one {@code dir:}, or two sources into one volume: one would be lost).
     *
     * @param source the source, for the message
     * @param diskName names the file in a directory target
     */
    VolumeSink sink(String source, String spec, String diskName) {
        VolumeSink sink = sink(spec, diskName);
        String first = claimed.putIfAbsent(sink.target(), source);
        if (first != null) {
            throw KvMigrateException.invalidInput("--to " + spec + ": " + source + " and " + first + " would both"
                    + " be written to " + sink.target() + " and one would be lost; name the file of each"
                    + " (dir:PATH/NAME.img) or give each its own volume", null);
        }
        return sink;
    }

    /** The sink for {@code spec}; {@code diskName} names the file in a directory target. */
    VolumeSink sink(String spec, String diskName) {
        if (spec.startsWith("dir:")) {
            DirectorySink sink = directory(spec, diskName);
            return overwrite ? sink.replacingExisting() : sink;
        }
        return cluster(spec);
    }

    private static DirectorySink directory(String spec, String diskName) {
        Path p = Path.of(spec.substring(4));
        String file = p.getFileName() == null ? "" : p.getFileName().toString();
        if (file.endsWith(".img")) {
            return new DirectorySink(p.toAbsolutePath().normalize().getParent(), file.substring(0, file.length() - 4));
        }
        return new DirectorySink(p.toAbsolutePath().normalize(), diskName);
    }

    private VolumeSink cluster(String spec) {
        String[] parts = spec.split("/");
        if (parts.length != 2 || parts[1].isBlank() || !(parts[0].equals("dv") || parts[0].equals("pvc"))) {
            throw KvMigrateException.invalidInput("--to '" + spec + "' is not a target; write dv/NAME, pvc/NAME or"
                    + " dir:PATH", null);
        }
        if (!parts[1].matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
            throw KvMigrateException.invalidInput("--to '" + spec + "': '" + parts[1] + "' is not a valid volume name"
                    + " (lower-case letters, digits, '-' and '.')", null);
        }
        KubernetesClient c = client();
        CdiTarget t = options.apply(CdiTarget.dataVolume(resolvedNamespace, parts[1]));
        return new CdiUploadSink(c, parts[0].equals("pvc") ? t.asPvc() : t);
    }

    private synchronized KubernetesClient client() {
        if (client == null) {
            client = ClusterProbe.connect(kubeconfig.map(Path::toFile), context);
            resolvedNamespace = namespace.orElse(client.getNamespace() == null ? "default" : client.getNamespace());
        }
        return client;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
