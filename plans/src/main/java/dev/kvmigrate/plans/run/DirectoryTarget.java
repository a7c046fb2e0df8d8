package dev.kvmigrate.plans.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.converter.Manifest;
import dev.kvmigrate.converter.OutputFormat;
import dev.kvmigrate.converter.gpu.AdminPatch;
import dev.kvmigrate.common.io.AtomicFile;
import dev.kvmigrate.common.json.Mappers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The no-cluster target {@code dir:PATH}: one YAML file per object in PATH ({@code kubectl apply -f PATH}), each
 * disk a sparse raw image in {@code PATH/disks/} named after its DataVolume, the KubeVirt CR patch in
 * {@code PATH/admin/}. Files are written whole (temp + rename); an object file that another plan wrote is never
 * overwritten.
 */
public final class DirectoryTarget implements Target {
    private static final YAMLMapper YAML = Mappers.yaml();
    private final Path dir;
    private final String plan;
    private final DiskImporter disks;

    public DirectoryTarget(Path dir, String plan, DiskImporter disks) {
        this.dir = dir.toAbsolutePath().normalize();
        this.plan = plan;
        this.disks = disks;
    }

    /** Where disk images go. */
    public static Path disksDir(Path dir) {
        return dir.resolve("disks");
    }

    public Path dir() {
        return dir;
    }

    @Override
    public String describe() {
        return "dir:" + dir;
    }

    @Override
    public boolean ensure(Manifest object) {
        Path file = dir.resolve(object.fileName());
        String text = object.render(OutputFormat.YAML);
        boolean existed = Files.exists(file);
        if (existed) {
            JsonNode there = read(file);
            String owner = there.path("metadata").path("labels").path(PlanConversion.LABEL_PLAN).asText("");
            if (!owner.equals(plan)) {
                throw KvMigrateException.targetError(file + " holds " + object.kind() + "/" + object.name()
                        + (owner.isEmpty() ? " not written by a kv-migrate plan" : " of plan " + owner)
                        + "; rename the VM with overrides.<vm>.targetName or choose another target dir", null);
            }
            if (text.equals(readText(file))) {
                return false;
            }
        }
        AtomicFile.write(file, text);
        return !existed;
    }

    @Override
    public boolean exists(Manifest object) {
        return Files.exists(dir.resolve(object.fileName()));
    }

    /**
     * Removes what a killed run left half-written: hidden temp files of objects and partial disk images. Call it
     * only while holding the plan's journal lock (no other run writes here then).
     *
     * @return how many were removed
     */
    public int removeLeftovers() {
        int n = 0;
        for (Path d : new Path[] {dir, disksDir(dir), dir.resolve("admin"), dir.resolve("report")}) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (var files = Files.list(d)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (name.startsWith(".") && (name.endsWith(".tmp") || name.contains(".img.partial-"))) {
                        Files.deleteIfExists(f);
                        n++;
                    }
                }
            } catch (IOException e) {
                throw KvMigrateException.io("cannot clean up " + d + ": " + e.getMessage(), e);
            }
        }
        return n;
    }

    /** Writes {@code admin/kubevirt-cr-patch.yaml} and {@code admin/summary.md}. */
    public void writeAdmin(AdminPatch patch) {
        AtomicFile.write(dir.resolve("admin").resolve("kubevirt-cr-patch.yaml"), OutputFormat.YAML.render(
                patch.patch()));
        AtomicFile.write(dir.resolve("admin").resolve("summary.md"), patch.summary());
    }

    @Override
    public DiskImporter disks() {
        return disks;
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static JsonNode read(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw KvMigrateException.targetError("cannot read " + file + " (" + e.getMessage() + "); it is in the"
                    + " way of the plan's output: move it away", e);
        }
    }

    @Override
    public void close() {
        // files need no closing
    }
}
