package dev.kvmigrate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.io.AtomicFile;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.converter.validate.ClusterFacts;
import dev.kvmigrate.converter.validate.ClusterProbe;
import dev.kvmigrate.converter.validate.KubevirtCr;
import dev.kvmigrate.converter.validate.ReportRenderer;
import dev.kvmigrate.converter.validate.SchemaSet;
import dev.kvmigrate.converter.validate.ValidationReport;
import dev.kvmigrate.converter.validate.Validator;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kv-migrate validate}: manifests against OpenAPI schemas and the rules beyond them, for CI pipelines. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Validate manifests against OpenAPI schemas (those bundled for a KubeVirt release, CDI and the"
                + " Kubernetes kinds kv-migrate writes, or with --from-cluster the cluster's /openapi/v2; plus any"
                + " --schema) and the rules beyond the schema: permitted GPU/host device names, one"
                + " ramFB GPU per VM, referenced volumes exist, RFC 1123 names, unique MACs, volume sizes; with"
                + " --from-cluster also storage classes, NetworkAttachmentDefinitions, namespaces, the KubeVirt CR,"
                + " DRA DeviceClasses and claims, and GPU capacity (device-plugin allocatable per node pool; DRA"
                + " devices matching each claim's CEL selectors).",
        footer = {"", "Exit codes: 0 no findings, 1 findings, 2 usage, 3 invalid schema or CR file or a KubeVirt"
                + " version not bundled, 4 cluster unreachable."})
final class ValidateCommand implements Callable<Integer> {
    enum Format { text, json }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    DebugOption debug;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Manifest files or directories.")
    List<Path> paths = new ArrayList<>();

    @Mixin
    SchemaOptions schemaOptions;

    @Option(names = "--kubevirt-cr", paramLabel = "FILE",
            description = "KubeVirt CR (or kv-migrate's admin patch) whose permittedHostDevices to check against.")
    Path kubevirtCr;

    @Mixin
    ClusterOptions cluster;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "text|json",
            description = "Report format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--report-junit", paramLabel = "FILE", description = "Also write JUnit XML, one testcase per"
            + " object.")
    Path junit;

    @Override
    public Integer call() {
        cluster.checkUsage(spec);
        schemaOptions.checkUsage(cluster.fromCluster);
        SchemaSet set;
        ClusterFacts facts = ClusterFacts.NONE;
        if (cluster.fromCluster) {
            try (KubernetesClient client = cluster.connect().orElseThrow()) {
                ClusterProbe.Probe probe = ClusterProbe.probe(client);
                set = schemaOptions.withCluster(probe.schemas());
                facts = probe.facts();
            }
        } else {
            set = schemaOptions.bundled();
        }
        if (kubevirtCr != null) {
            facts = facts.withPermittedDevices(KubevirtCr.permittedResources(readCr(kubevirtCr)));
        }
        ValidationReport report = Validator.validate(paths, set, facts);
        var out = spec.commandLine().getOut();
        if (format == Format.json) {
            ObjectNode json = ReportRenderer.json(report);
            ArrayNode sources = json.putArray("schemas");
            set.sources().forEach(sources::add);
            out.print(json.toPrettyString() + "\n");
        } else {
            out.print(SchemaOptions.describe(set) + "\n" + ReportRenderer.text(report));
        }
        out.flush();
        if (junit != null) {
            AtomicFile.write(junit, ReportRenderer.junit(report));
        }
        return report.clean() ? ExitCode.OK.code() : ExitCode.FINDINGS.code();
    }

    private static JsonNode readCr(Path file) {
        try {
            return Mappers.yaml().readTree(file.toFile());
        } catch (IOException e) {
            throw KvMigrateException.invalidInput("--kubevirt-cr " + file + " is not readable YAML/JSON: "
                    + e.getMessage(), e);
        }
    }
}
