package dev.kvmigrate.inventory.ova;

import dev.kvmigrate.common.io.SliceChannel;
import dev.kvmigrate.inventory.concern.ModelRules;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.image.ImageFormat;
import dev.kvmigrate.common.image.ImageInfo;
import dev.kvmigrate.common.image.ImageProbe;
import dev.kvmigrate.inventory.SourceProblems;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.VmSource;
import dev.kvmigrate.inventory.model.DiskSource;
import dev.kvmigrate.inventory.model.DiskSourceType;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.SourceKind;
import dev.kvmigrate.inventory.model.SourceRef;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OVA: a tar (optionally gzip-wrapped) of an OVF descriptor and disk images, read in one streaming pass
 * without extracting anything; an OVF file (an unpacked OVA); or a folder of those. Disks are recorded as importer
 * sources: an OVA entry ({@code OVA_ENTRY}) or a file ({@code FILE}).
 *
 * <ul>
 *   <li>A single file that cannot be read (not a tar, not XML, not an OVF envelope, no virtual system, a file
 *       reference leading outside its folder) is an INVALID_INPUT error naming it.</li>
 *   <li>A folder is searched recursively for {@code *.ova}, {@code *.ova.gz} and {@code *.ovf} files (links to
 *       subfolders are not followed; a folder given through a link is); each OVF's file references are resolved in its own folder.
 *       A file that cannot be read is reported in {@link #problems()} with its reason and the others are still
 *       scanned. A folder without any such file is an INVALID_INPUT error.</li>
 *   <li>Every OVF is read in one deployment configuration: the one given to {@link #open(Path, Optional)}, else
 *       its default (see {@code OvfDeployment}).</li>
 * </ul>
 */
public final class OvaSource implements VmSource, SourceProblems {
    private static final Logger LOG = LoggerFactory.getLogger(OvaSource.class);

    private final Path path;
    private final Optional<String> configuration;
    private final List<String> problems = new ArrayList<>();

    private OvaSource(Path path, Optional<String> configuration) {
        this.path = path;
        this.configuration = configuration;
    }

    /** An OVA file, an OVF file, or a folder of them, read in each OVF's default deployment configuration. */
    public static OvaSource open(Path fileOrDir) {
        return open(fileOrDir, Optional.empty());
    }

    /**
     * An OVA file, an OVF file, or a folder of them; {@code configuration} names the deployment configuration
     * (DeploymentOptionSection) to read each OVF in, its default when empty. Nothing is read until {@link #scan}.
     */
    public static OvaSource open(Path fileOrDir, Optional<String> configuration) {
        Path p = fileOrDir.toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw KvMigrateException.invalidInput("OVA " + fileOrDir + " does not exist; give an .ova file, an .ovf"
                    + " file or a folder holding them");
        }
        return new OvaSource(p, configuration);
    }

    @Override
    public synchronized Inventory scan(VmSelector selector) {
        problems.clear();
        List<Vm> vms = Files.isDirectory(path) ? folder() : read(path);
        List<Vm> picked = vms.stream().filter(v -> selector.matches(v.name())).map(this::withConcerns).toList();
        return Inventory.of(new SourceRef(SourceKind.OVA, path.toString()), Optional.of(Instant.now().toString()),
                picked);
    }

    @Override
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /** Adds the source-neutral concerns to a mapped VM (the OVA-specific ones are already on it). */
    private Vm withConcerns(Vm vm) {
        return ModelRules.apply(vm);
    }

    /** The VMs of one .ovf or .ova file; any error is thrown, naming the file. */
    private List<Vm> read(Path file) {
        return isOvf(file) ? descriptor(file) : archive(file);
    }

    /** The VMs of every file of the folder; a file that cannot be read becomes a problem. */
    private List<Vm> folder() {
        List<Vm> out = new ArrayList<>();
        for (Path file : filesIn()) {
            try {
                out.addAll(read(file));
            } catch (KvMigrateException e) {
                String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                problems.add(reason.contains(file.toString()) ? reason : file + ": " + reason);
            }
        }
        LOG.info("{}: {} VM(s), {} unreadable file(s)", path, out.size(), problems.size());
        return out;
    }

    private static boolean isOvf(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".ovf");
    }

    private List<Vm> archive(Path ova) {
        TarIndex.Result index = TarIndex.read(ova);
        Map<String, DiskImage> images = new LinkedHashMap<>();
        try (FileChannel ch = index.gzip() ? null : FileChannel.open(ova, StandardOpenOption.READ)) {
            for (OvaEntry e : index.entries().values()) {
                DiskSource src = new DiskSource(DiskSourceType.OVA_ENTRY, ova.toString(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(e.name()));
                images.put(e.name(), new DiskImage(src, e.size(), probe(ova, e, ch)));
            }
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read OVA " + ova + ": " + e.getMessage(), e);
        }
        List<Vm> out = new ArrayList<>();
        for (var d : index.descriptors().entrySet()) {
            String base = d.getKey().contains("/") ? d.getKey().substring(0, d.getKey().lastIndexOf('/') + 1) : "";
            Function<String, Optional<DiskImage>> image = href -> Optional.ofNullable(images.get(base + href))
                    .or(() -> Optional.ofNullable(images.get(href)));
            out.addAll(named(ova + "!" + d.getKey(), () -> OvfMapper.map(d.getValue(), ova.toString(), image,
                    configuration)));
        }
        return out;
    }

    /** The header of one member: read in place from the OVA when it can be sliced, else from its first bytes. */
    private static Optional<ImageInfo> probe(Path path, OvaEntry e, FileChannel ova) {
        try {
            if (e.dataOffset().isPresent()) {
                try (SeekableByteChannel slice = new SliceChannel(ova, e.dataOffset().getAsLong(), e.size())) {
                    return Optional.of(ImageProbe.probe(slice));
                }
            }
            ImageInfo head = ImageProbe.probe(new SeekableInMemoryByteChannel(e.head()));
            if (head.format() == ImageFormat.RAW) {
                head = new ImageInfo(ImageFormat.RAW, head.compression(), Optional.of(e.size()), Optional.empty());
            }
            return Optional.of(head);
        } catch (IOException | RuntimeException ex) {
            LOG.warn("OVA {}: entry '{}' has an unreadable image header ({}); its size comes from the OVF only",
                    path, e.name(), ex.getMessage());
            return Optional.empty();
        }
    }

    /** The .ova, .ova.gz and .ovf files under the folder, sorted; see the class comment for links. */
    private List<Path> filesIn() {
        Path root = walkRoot();
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".ovf") || n.endsWith(".ova") || n.endsWith(".ova.gz");
            }).filter(Files::isRegularFile).map(p -> path.resolve(root.relativize(p))).sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw KvMigrateException.io("cannot list " + path + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw KvMigrateException.invalidInput("folder " + path + " holds no .ova, .ova.gz or .ovf file; give an"
                    + " OVA, an OVF, or a folder holding them (an unpacked OVA)");
        }
        return files;
    }

    /** The folder to walk: the one given, or what it links to (a walk does not follow its start link). */
    private Path walkRoot() {
        if (!Files.isSymbolicLink(path)) {
            return path;
        }
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw KvMigrateException.io("cannot follow " + path + ": " + e.getMessage(), e);
        }
    }

    /** Runs a descriptor's mapping; an input error it raises names the descriptor it came from. */
    private static List<Vm> named(String descriptor, java.util.function.Supplier<List<Vm>> map) {
        try {
            return map.get();
        } catch (KvMigrateException e) {
            if (e.getMessage() != null && e.getMessage().contains(descriptor)) {
                throw e;
            }
            throw new KvMigrateException(e.exitCode(), descriptor + ": " + e.getMessage(), e);
        }
    }

    /** An OVF file; its file references are resolved in its folder. */
    private List<Vm> descriptor(Path ovf) {
        XmlNode envelope = SafeXml.parse(ovf);
        Path dir = ovf.getParent();
        return named(ovf.toString(), () -> OvfMapper.map(envelope, ovf.toString(), href -> fileImage(dir, ovf, href),
                configuration));
    }

    /**
     * A file an unpacked OVF points at: inside its directory, a regular file, not a link. "Inside" is decided on
     * real paths, so a linked subdirectory ({@code sub -> /elsewhere}, href {@code sub/disk}) cannot lead out.
     */
    private static Optional<DiskImage> fileImage(Path dir, Path ovf, String href) {
        Path f = dir.resolve(href).normalize();
        if (!f.startsWith(dir) || href.startsWith("/")) {
            throw outside(ovf, href, dir);
        }
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            if (!f.toRealPath().startsWith(dir.toRealPath())) {
                throw outside(ovf, href, dir);
            }
        } catch (IOException e) {
            throw KvMigrateException.io("cannot resolve " + f + ": " + e.getMessage(), e);
        }
        long size;
        try {
            size = Files.size(f);
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read " + f + ": " + e.getMessage(), e);
        }
        try {
            return Optional.of(new DiskImage(DiskSource.file(f.toString()), size, Optional.of(ImageProbe.probe(f))));
        } catch (IOException | RuntimeException e) {
            LOG.warn("OVF {}: image {} has an unreadable header ({}); its size comes from the OVF only", ovf, f,
                    e.getMessage());
            return Optional.of(new DiskImage(DiskSource.file(f.toString()), size, Optional.empty()));
        }
    }

    private static KvMigrateException outside(Path ovf, String href, Path dir) {
        return KvMigrateException.invalidInput("OVF " + ovf + ": file reference '" + href + "' points outside "
                + dir + "; refused");
    }

    @Override
    public void close() {
        // Nothing held open between scans.
    }

    @Override
    public String toString() {
        return "OvaSource[" + path + "]";
    }
}
