package dev.kvmigrate.cli.podrunner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One pod attempt's single container, as {@link PodSpecs} resolved it from a Job's pod template: what a
 * {@link PodLauncher} starts. Everything the kubelet would resolve is resolved: {@code command}/{@code args} have had
 * their {@code $(VAR)} references expanded, {@code env} holds the final values (service variables, {@code envFrom},
 * {@code env} with {@code valueFrom}, {@code JOB_COMPLETION_INDEX}), and every volume mount has a host directory.
 *
 * <p><b>Paths.</b> There is no mount namespace: a process sees the host's file system. {@link #mounts} maps each
 * container mount path to the host directory that stands for it; a launcher passes container paths through
 * {@link #translate(String)}, which rewrites a value that <em>begins</em> with a mount path (the mount path itself, or
 * the mount path followed by {@code /}) to the host path, and leaves every other value as it is. A path inside a
 * longer value ({@code --x=/plan/p.yaml}) is not rewritten: the Jobs under test pass paths as whole arguments.
 *
 * @param podName the pod's name ({@code <job>-<index>-<suffix>} for Indexed Jobs, {@code <job>-<suffix>} otherwise)
 * @param namespace the pod's namespace
 * @param jobName the Job that owns the pod
 * @param index the completion index (Indexed Jobs); for NonIndexed Jobs the completion slot the harness counts
 * @param attempt 1 for an index's first pod, 2 for its first retry, …
 * @param containerName the container's name
 * @param image the container's image
 * @param command the container's {@code command} (replaces the image's entrypoint), expanded; empty when unset
 * @param args the container's {@code args}, expanded; empty when unset
 * @param env the container's environment, in definition order
 * @param mounts container mount path → host directory (or file, for a {@code subPath} of a file)
 * @param workingDir the container's {@code workingDir}, when set
 * @param sandbox the pod's own host directory: {@code stdout}, {@code stderr} and its volumes live under it
 */
public record LaunchSpec(String podName, String namespace, String jobName, int index, int attempt,
        String containerName, String image, List<String> command, List<String> args, Map<String, String> env,
        Map<String, Path> mounts, Optional<String> workingDir, Path sandbox) {

    public LaunchSpec {
        command = List.copyOf(command);
        args = List.copyOf(args);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        mounts = Map.copyOf(mounts);
    }

    /** Where the launcher writes the container's stdout. */
    public Path stdout() {
        return sandbox.resolve("stdout");
    }

    /** Where the launcher writes the container's stderr. */
    public Path stderr() {
        return sandbox.resolve("stderr");
    }

    /**
     * The host path standing for {@code containerPath}: the longest mount path that is {@code containerPath} itself
     * or a parent of it, with the rest of the path appended; empty when no mount covers it.
     */
    public Optional<Path> hostPath(String containerPath) {
        String best = null;
        for (String m : mounts.keySet()) {
            String mount = withoutTrailingSlash(m);
            boolean covers = containerPath.equals(mount)
                    || containerPath.startsWith(mount.endsWith("/") ? mount : mount + "/");
            if (covers && (best == null || mount.length() > withoutTrailingSlash(best).length())) {
                best = m;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        String rest = containerPath.substring(withoutTrailingSlash(best).length()).replaceFirst("^/+", "");
        return Optional.of(rest.isEmpty() ? mounts.get(best) : mounts.get(best).resolve(rest));
    }

    /** {@code /plan/} → {@code /plan}; {@code /} stays. */
    private static String withoutTrailingSlash(String mountPath) {
        return mountPath.length() > 1 && mountPath.endsWith("/") ? mountPath.substring(0, mountPath.length() - 1)
                : mountPath;
    }

    /** {@code value} with a leading container mount path rewritten to its host path; otherwise {@code value}. */
    public String translate(String value) {
        return value.startsWith("/") ? hostPath(value).map(Path::toString).orElse(value) : value;
    }

    /** {@link #translate(String)} on each value. */
    public List<String> translate(List<String> values) {
        List<String> out = new ArrayList<>(values.size());
        values.forEach(v -> out.add(translate(v)));
        return out;
    }
}
