package dev.kvmigrate.cli;

import dev.kvmigrate.converter.validate.SchemaSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The schema options {@code validate} and {@code plan validate} share. Objects are checked against the
 * {@code --schema} files first, then against the cluster's own OpenAPI (with {@code --from-cluster}) or else
 * against the schemas kv-migrate ships for one KubeVirt release, CDI and the Kubernetes kinds it writes.
 */
final class SchemaOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--schema", paramLabel = "FILE|DIR", description = "More OpenAPI schemas (repeatable): a"
            + " swagger.json, a directory of them or a CRD YAML; they win over the bundled or cluster schemas for the"
            + " same kind.")
    List<Path> schemas = new ArrayList<>();

    @Option(names = "--kubevirt-version", paramLabel = "VERSION", completionCandidates = BundledVersions.class,
            description = "KubeVirt release whose bundled schemas to check against: ${COMPLETION-CANDIDATES};"
                    + " default the newest, the v and the patch level optional. Not with --from-cluster, which"
                    + " checks against the cluster's own.")
    String kubevirtVersion;

    /** The releases shipped, for {@code --help} and shell completion. */
    static final class BundledVersions implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return SchemaSet.bundledVersions().iterator();
        }
    }

    /** A usage error when {@code --kubevirt-version} comes with {@code --from-cluster}, which replaces the bundled. */
    void checkUsage(boolean fromCluster) {
        if (fromCluster && kubevirtVersion != null) {
            throw new ParameterException(command.commandLine(), "--kubevirt-version picks bundled schemas;"
                    + " --from-cluster checks against the cluster's own OpenAPI: pass one of them");
        }
    }

    /** The {@code --schema} files, then the bundled schemas of the chosen (else the newest) KubeVirt release. */
    SchemaSet bundled() {
        return SchemaSet.of(schemas).with(kubevirtVersion == null ? SchemaSet.bundled()
                : SchemaSet.bundled(kubevirtVersion));
    }

    /** The {@code --schema} files, then the cluster's schemas. */
    SchemaSet withCluster(SchemaSet cluster) {
        return SchemaSet.of(schemas).with(cluster);
    }

    /** {@code schemas: A, B, C}: what objects were checked against, first match first. */
    static String describe(SchemaSet set) {
        return "schemas: " + (set.isEmpty() ? "none" : String.join(", ", set.sources()));
    }
}
