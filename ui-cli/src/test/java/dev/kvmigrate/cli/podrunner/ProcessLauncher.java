package dev.kvmigrate.cli.podrunner;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a container as a plain host process, for the harness's own tests: each known image stands for an entrypoint
 * (a host command prefix, e.g. {@code test/sh → /bin/sh}).
 *
 * <p>As in Kubernetes ("Define a command and arguments for a container"): a container's {@code command} replaces the
 * image's entrypoint and its {@code args} follow; with no {@code command}, the image's entrypoint runs with the
 * {@code args}. Container paths in {@code command}, {@code args} and {@code env} values are {@linkplain
 * LaunchSpec#translate(String) translated} to their host paths. The process's environment is the pod's alone (nothing
 * of the test JVM's leaks in) plus a default {@code PATH} (an image's own {@code ENV PATH}) and {@code HOME} = the
 * pod's sandbox, unless the pod sets them; it runs in the sandbox, or in the translated {@code workingDir}.
 */
public final class ProcessLauncher implements PodLauncher {
    /** The PATH most base images set. */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Map<String, List<String>> entrypoints;

    /** @param entrypoints image name → the host command prefix that is its entrypoint */
    public ProcessLauncher(Map<String, List<String>> entrypoints) {
        this.entrypoints = Map.copyOf(entrypoints);
    }

    @Override
    public Process launch(LaunchSpec spec) throws IOException {
        List<String> entrypoint = entrypoints.get(spec.image());
        if (entrypoint == null) {
            throw new IOException("image " + spec.image() + " is not known to the launcher (known: "
                    + entrypoints.keySet() + ")");
        }
        List<String> argv = new ArrayList<>(spec.command().isEmpty() ? entrypoint : spec.translate(spec.command()));
        argv.addAll(spec.translate(spec.args()));
        return start(spec, argv, Map.of());
    }

    /**
     * Starts {@code argv} with the pod's environment (values translated), {@code extraEnv} over it (a null value
     * removes the variable), and the pod's
     * stdout/stderr files and working directory. Shared with {@link KvMigrateLauncher}.
     */
    static Process start(LaunchSpec spec, List<String> argv, Map<String, String> extraEnv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", DEFAULT_PATH);
        env.put("HOME", spec.sandbox().toString());
        spec.env().forEach((k, v) -> env.put(k, spec.translate(v)));
        extraEnv.forEach((k, v) -> {
            if (v == null) {
                env.remove(k);
            } else {
                env.put(k, v);
            }
        });
        pb.directory(spec.workingDir().flatMap(spec::hostPath).orElse(spec.sandbox()).toFile());
        pb.redirectOutput(spec.stdout().toFile());
        pb.redirectError(spec.stderr().toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return pb.start();
    }
}
