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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The no-cluster target {@code dir:PATH}: one YAML file per object in PATH ({@code kubectl apply -f PATH}), each
 * disk a sparse raw image in {@code PATH/disks/} named after its DataVolume, the KubeVirt CR patch in
 * {@code PATH/admin/}. Files are written whole (temp + rename); an object file that another plan wrote is never
 * overwritten. A disk image is replaced only when it is the plan's own: its journal recorded importing it
 * ({@link #ownImages}) or this run wrote it; any other {@code NAME.img} in the way is refused, never replaced.
 */
public final class DirectoryTarget implements Target {
    private static final YAMLMapper YAML = Mappers.yaml();
    private final Path dir;
    private final String plan;
    private final DiskImporter disks;
    /** DataVolumes whose image in {@code disks/} this plan wrote (its journal says so): DataVolume → source VM. */
    private final Map<String, String> owned = new ConcurrentHashMap<>();
    /** DataVolumes imported by this run: DataVolume → source VM. */
    private final Map<String, String> thisRun = new ConcurrentHashMap<>();

    public DirectoryTarget(Path dir, String plan, DiskImporter disks) {
        this.dir = dir.toAbsolutePath().normalize();
        this.plan = plan;
        this.disks = new OwnedImages(disks);
    }

    /**
     * Takes the images the plan's journal records importing as the plan's own, so that this run may replace them
     * (a disk that was cut short, or that the target lost). Call it with the held journal's entries.
     */
    public void ownImages(List<JournalEntry> journal) {
        for (JournalEntry e : journal) {
            if (e.step().equals(Step.IMPORT_DISK) && e.vm().isPresent()) {
                e.detail("disk").ifPresent(dv -> owned.put(dv, e.vm().get()));
            }
        }
    }

    /** The image file of a DataVolume. */
    Path image(String dataVolume) {
        return disksDir(dir).resolve(dataVolume + ".img");
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

    /**
     * Removes the VM's object files that this plan wrote and the disk images its journal records (call
     * {@link #ownImages} first).
     */
    @Override
    public List<String> removeVm(VmWork vm) {
        List<String> removed = new java.util.ArrayList<>();
        List<Manifest> objects = new java.util.ArrayList<>(vm.disks().stream().map(DiskWork::manifest).toList());
        objects.addAll(vm.vmObjects());
        try {
            for (Manifest m : objects) {
                Path file = dir.resolve(m.fileName());
                if (Files.exists(file) && read(file).path("metadata").path("labels").path(PlanConversion.LABEL_PLAN)
                        .asText("").equals(plan)) {
                    Files.delete(file);
                    removed.add(m.kind() + "/" + m.name());
                }
            }
            for (DiskWork d : vm.disks()) {
                Path img = image(d.dataVolume());
                if (owned.containsKey(d.dataVolume()) && Files.deleteIfExists(img)) {
                    removed.add("disk/" + img.getFileName());
                }
            }
        } catch (IOException e) {
            throw KvMigrateException.io("cannot remove the files of VM " + vm.name() + " in " + dir + ": "
                    + e.getMessage(), e);
        }
        return removed;
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

    /** Guards the image files: an image is written only where none is, or where this plan's own one is. */
    private final class OwnedImages implements DiskImporter {
        private final DiskImporter delegate;

        OwnedImages(DiskImporter delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean holds(DiskWork disk, String digest) {
            return delegate.holds(disk, digest);
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public DiskResult importDisk(DiskWork disk, DiskProgress progress) {
            String dv = disk.dataVolume();
            Path img = image(dv);
            String other = thisRun.putIfAbsent(dv, disk.vm());
            if (other != null && !other.equals(disk.vm())) {
                throw KvMigrateException.targetError("disk " + dv + " of VM " + disk.vm() + ": VM " + other
                        + " of this run also writes " + img + "; give the VMs distinct targetNames", null);
            }
            if (Files.exists(img, LinkOption.NOFOLLOW_LINKS)) {
                if (!owned.containsKey(dv)) {
                    thisRun.remove(dv, disk.vm());
                    throw KvMigrateException.targetError(img + " is in the way of disk " + dv + " of VM "
                            + disk.vm() + ": plan " + plan + " did not write it (its journal records no import of"
                            + " it); move it away or choose another target dir", null);
                }
                try {
                    // The plan's own image of an earlier (or this) run, about to be written again.
                    Files.delete(img);
                } catch (IOException e) {
                    throw KvMigrateException.io("cannot replace " + img + ": " + e.getMessage(), e);
                }
            }
            owned.put(dv, disk.vm());
            return delegate.importDisk(disk, progress);
        }
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
        disks.close(); // files need no closing; the importer's source sessions do
    }
}
