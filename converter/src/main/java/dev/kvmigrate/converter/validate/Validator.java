package dev.kvmigrate.converter.validate;

import static dev.kvmigrate.inventory.concern.ConcernCode.MANIFEST_SCHEMA;
import static dev.kvmigrate.inventory.concern.ConcernCode.MANIFEST_SYNTAX;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.path.NodePath;
import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Validates manifests: each object against its OpenAPI schema, then the set against {@link Rules}. Files are read
 * from the paths given (a directory: its {@code .yaml}/{@code .yml}/{@code .json} files, recursively, in name order).
 */
public final class Validator {
    /** Side files {@code kv-migrate convert} writes next to the manifests; they are not Kubernetes objects. */
    private static final Set<String> SIDE_FILES = Set.of("concerns.yaml", "concerns.json", "kustomization.yaml",
            "kubevirt-cr-patch.yaml", "kubevirt-cr-patch.json");

    private Validator() {}

    /**
     * The manifest files of {@code paths}: a file as given, a directory read as {@code kubectl apply -f DIR} reads
     * it (the YAML/JSON files directly in it, not its subdirectories such as {@code admin/} or {@code report/}).
     * A missing path is a usage error.
     */
    public static List<Path> files(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new KvMigrateException(dev.kvmigrate.common.ExitCode.USAGE, "path " + p + " does not exist;"
                        + " pass manifest files or directories (e.g. the --out of kv-migrate convert)");
            }
            if (Files.isDirectory(p)) {
                try (Stream<Path> entries = Files.list(p)) {
                    entries.filter(Files::isRegularFile).filter(Validator::isManifest).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw KvMigrateException.io("cannot list " + p + ": " + e.getMessage(), e);
                }
            } else {
                files.add(p);
            }
        }
        return files;
    }

    private static boolean isManifest(Path p) {
        String n = p.getFileName().toString();
        return !SIDE_FILES.contains(n) && !n.startsWith(".")
                && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
    }

    /** Reads every file; syntax errors become findings. */
    public static List<LocatedObject> read(List<Path> files, List<Finding> findings) {
        List<LocatedObject> objects = new ArrayList<>();
        for (Path f : files) {
            String text;
            try {
                text = Files.readString(f);
            } catch (IOException e) {
                throw KvMigrateException.io("cannot read " + f + ": " + e.getMessage(), e);
            }
            ManifestReader.Result r = ManifestReader.read(f.toString(), text);
            for (LocatedObject o : r.objects()) {
                if (!o.kind().equals("Kustomization")) {
                    objects.add(o);
                }
            }
            r.error().ifPresent(e -> findings.add(new Finding(e.file(), e.position(), f.getFileName().toString(),
                    "$", MANIFEST_SYNTAX.name(), "not valid YAML/JSON: " + e.message())));
        }
        return objects;
    }

    public static ValidationReport validate(List<Path> paths, SchemaSet schemas, ClusterFacts facts) {
        List<Finding> findings = new ArrayList<>();
        List<LocatedObject> objects = read(files(paths), findings);
        return validateObjects(objects, findings, schemas, facts);
    }

    public static ValidationReport validateObjects(List<LocatedObject> objects, List<Finding> earlier,
            SchemaSet schemas, ClusterFacts facts) {
        List<Finding> findings = new ArrayList<>(earlier);
        List<ValidationReport.ObjectRef> refs = new ArrayList<>();
        for (LocatedObject o : objects) {
            refs.add(new ValidationReport.ObjectRef(o.file(), o.at(""), o.id()));
        }
        // Schemas are immutable and thread-safe once built: check objects in parallel, keep file order.
        objects.parallelStream().map(o -> schemaFindings(o, schemas)).toList().forEach(findings::addAll);
        findings.addAll(Rules.check(objects, facts));
        List<String> notes = new ArrayList<>();
        if (facts.permittedDevices().isEmpty()) {
            notes.add("GPU/hostDevice deviceNames were not checked against a KubeVirt CR (pass --kubevirt-cr or"
                    + " --from-cluster)");
        }
        if (facts.gpus().isEmpty()) {
            notes.add("GPU capacity was not checked (needs --from-cluster)");
        }
        return new ValidationReport(refs, findings, notes);
    }

    static List<Finding> schemaFindings(LocatedObject o, SchemaSet schemas) {
        if (o.apiVersion().isEmpty() || o.kind().isEmpty()) {
            return List.of(Finding.at(o, "", MANIFEST_SCHEMA, "document has no apiVersion/kind; it is not a Kubernetes"
                    + " object"));
        }
        Optional<Schema> schema = schemas.schemaFor(o.apiVersion(), o.kind());
        if (schema.isEmpty()) {
            return List.of(Finding.at(o, "/kind", MANIFEST_SCHEMA, "no schema for " + o.apiVersion() + " " + o.kind()
                    + "; pass its swagger.json or CRD with --schema"));
        }
        List<Finding> out = new ArrayList<>();
        for (Error e : schema.get().validate(o.body())) {
            String pointer = pointer(e.getInstanceLocation());
            String keyword = e.getKeyword() == null ? "" : e.getKeyword();
            if (keyword.equals("additionalProperties") && e.getProperty() != null) {
                pointer = pointer + "/" + e.getProperty().replace("~", "~0").replace("/", "~1");
            }
            out.add(Finding.at(o, pointer, MANIFEST_SCHEMA, message(e, keyword)));
        }
        return out;
    }

    private static String message(Error e, String keyword) {
        return switch (keyword) {
            case "additionalProperties" -> "unknown field '" + e.getProperty() + "'";
            case "required" -> "missing required field '" + e.getProperty() + "'";
            default -> e.getMessage().replaceFirst("^\\$[^:]*: ", "");
        };
    }

    static String pointer(NodePath path) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object el = path.getElement(i);
            s.append('/').append(String.valueOf(el).replace("~", "~0").replace("/", "~1"));
        }
        return s.toString();
    }
}
