package dev.kvmigrate.converter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes a conversion to a directory, atomically: everything goes to a sibling temp directory that is renamed
 * into place, so a failure never leaves half an output that looks good. Layout:
 * <pre>
 * DIR/*.yaml                       one object per file: kubectl apply -f DIR
 * DIR/Kustomization                the kustomization (kubectl apply -k DIR)
 * DIR/admin/kubevirt-cr-patch.yaml merge patch for the KubeVirt CR (when devices or gates are needed)
 * DIR/admin/summary.md             count per GPU resource and the VMs that need it
 * DIR/admin/concerns.yaml          per VM: written or blocked, and the concerns
 * DIR/.kv-migrate-output           marks the directory as written by kv-migrate
 * </pre>
 * The kustomization uses kustomize's extensionless file name {@code Kustomization}: {@code kubectl apply -f DIR}
 * reads only {@code .yaml}/{@code .yml}/{@code .json} files and would fail on a {@code kustomization.yaml}, which
 * is no Kubernetes object. The side files live in {@code admin/}, which a non-recursive apply skips.
 * An existing DIR is replaced only when it is empty or carries the marker.
 */
public final class ManifestWriter {
    public static final String MARKER = ".kv-migrate-output";
    public static final String KUSTOMIZATION = "Kustomization";
    public static final String ADMIN = "admin";

    private ManifestWriter() {}

    public static void write(ConversionResult result, Path dir, OutputFormat format) {
        Path target = dir.toAbsolutePath().normalize();
        requireReplaceable(target);
        Path parent = target.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
            fill(result, tmp, format);
            Path old = null;
            if (Files.exists(target)) {
                old = Files.createTempDirectory(parent, "." + target.getFileName() + ".old-");
                Files.delete(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            if (old != null) {
                deleteTree(old);
            }
        } catch (IOException e) {
            throw KvMigrateException.io("cannot write " + target + ": " + e.getMessage()
                    + "; check that its parent directory is writable", e);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    private static void fill(ConversionResult result, Path dir, OutputFormat format) throws IOException {
        ObjectNode kustomization = Trees.obj().put("apiVersion", "kustomize.config.k8s.io/v1beta1")
                .put("kind", "Kustomization");
        ArrayNode resources = kustomization.putArray("resources");
        for (Manifest m : result.manifests()) {
            String name = format.fileName(m.fileName());
            Files.writeString(dir.resolve(name), m.render(format));
            resources.add(name);
        }
        Files.writeString(dir.resolve(KUSTOMIZATION), OutputFormat.YAML.render(kustomization));
        Path admin = Files.createDirectory(dir.resolve(ADMIN));
        if (!result.adminPatch().isEmpty()) {
            Files.writeString(admin.resolve(format.fileName("kubevirt-cr-patch.yaml")),
                    format.render(result.adminPatch().patch()));
        }
        Files.writeString(admin.resolve("summary.md"), result.adminPatch().summary());
        Files.writeString(admin.resolve(format.fileName("concerns.yaml")),
                format.render(ConversionReport.tree(result)));
        Files.writeString(dir.resolve(MARKER), "written by kv-migrate convert; replaced on the next run\n");
    }

    /** Refuses a non-empty directory kv-migrate did not write, and anything that is not a directory. */
    static void requireReplaceable(Path target) {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw KvMigrateException.invalidInput("--out " + target + " exists and is not a directory; choose"
                    + " another output path");
        }
        if (Files.exists(target.resolve(MARKER))) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
            if (entries.iterator().hasNext()) {
                throw KvMigrateException.invalidInput("--out " + target + " is not empty and was not written by"
                        + " kv-migrate; choose an empty or new directory so nothing of yours is replaced");
            }
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read " + target + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Leftover temp directory: harmless, named with a leading dot.
        }
    }
}
