package dev.kvmigrate.plans.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.json.Mappers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The VM one pod of an Indexed Job runs: the wave's list of VM names (a JSON array, {@code wave-N.json} in the plan
 * ConfigMap) at the pod's completion index, which Kubernetes gives every pod of an Indexed Job as
 * {@code JOB_COMPLETION_INDEX}.
 */
public final class VmList {
    /** The environment variable Kubernetes sets in each pod of an Indexed Job. */
    public static final String INDEX_ENV = "JOB_COMPLETION_INDEX";

    private VmList() {}

    /**
     * The VM at {@code index}, else at {@code env}'s {@value #INDEX_ENV}.
     *
     * @throws KvMigrateException {@link ExitCode#USAGE} when the list or the index is missing or wrong: a pod
     *     configured wrongly, which no retry mends
     */
    public static String pick(Path list, Optional<Integer> index, Map<String, String> env) {
        JsonNode names;
        try {
            names = Mappers.json().readTree(Files.readString(list));
        } catch (IOException e) {
            throw new KvMigrateException(ExitCode.USAGE, "--vm-list " + list + ": cannot read it as a JSON array of VM"
                    + " names (" + e.getMessage() + ")");
        }
        if (names == null || !names.isArray() || names.isEmpty()) {
            throw new KvMigrateException(ExitCode.USAGE, "--vm-list " + list + " is not a non-empty JSON array of VM"
                    + " names");
        }
        int i = index.orElseGet(() -> {
            String v = env.get(INDEX_ENV);
            if (v == null) {
                throw new KvMigrateException(ExitCode.USAGE, "--vm-list " + list + " needs --index N, or "
                        + INDEX_ENV + " (set by Kubernetes in an Indexed Job's pods)");
            }
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new KvMigrateException(ExitCode.USAGE, INDEX_ENV + "=" + v + " is not an index");
            }
        });
        if (i < 0 || i >= names.size() || !names.get(i).isTextual()) {
            throw new KvMigrateException(ExitCode.USAGE, "--vm-list " + list + " has " + names.size() + " VM(s); index "
                    + i + " names none (the Job's completions must match the list)");
        }
        return names.get(i).asText();
    }
}
