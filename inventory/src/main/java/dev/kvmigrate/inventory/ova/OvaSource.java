package dev.kvmigrate.inventory.ova;

import dev.kvmigrate.common.io.SliceChannel;
import dev.kvmigrate.inventory.concern.ModelRules;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.image.ImageFormat;
import dev.kvmigrate.common.image.ImageInfo;
import dev.kvmigrate.common.image.ImageProbe;
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
import java.util.stream.Stream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OVA: a tar (optionally gzip-wrapped) of an OVF descriptor and disk images, read in one streaming pass
 * without extracting anything; or an unpacked OVA (a directory holding the OVF and its files, or the OVF file
 * itself). Disks are recorded as importer sources: an OVA entry ({@code OVA_ENTRY}) or a file ({@code FILE}).
 */
public final class OvaSource implements VmSource {
    private static final Logger LOG = LoggerFactory.getLogger(OvaSource.class);

    private final Path path;

    private OvaSource(Path path) {
        this.path = path;
    }

    /** An OVA file, an OVF file, or a directory holding an unpacked OVA. Nothing is read until {@link #scan}. */
    public static OvaSource open(Path fileOrDir) {
        Path p = fileOrDir.toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw KvMigrateException.invalidInput("OVA " + fileOrDir + " does not exist; give an .ova file, an .ovf"
                    + " file or a directory holding an unpacked OVA");
        }
        return new OvaSource(p);
    }

    @Override
    public Inventory scan(VmSelector selector) {
        List<Vm> vms = Files.isDirectory(path) ? directory(path, ovfsIn(path))
                : path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".ovf")
                        ? directory(path.getParent(), List.of(path)) : archive();
        List<Vm> picked = vms.stream().filter(v -> selector.matches(v.name())).map(this::withConcerns).toList();
        return Inventory.of(new SourceRef(SourceKind.OVA, path.toString()), Optional.of(Instant.now().toString()),
                picked);
    }

    /** Adds the source-neutral concerns to a mapped VM (the OVA-specific ones are already on it). */
    private Vm withConcerns(Vm vm) {
        return ModelRules.apply(vm);
    }

    private List<Vm> archive() {
        TarIndex.Result index = TarIndex.read(path);
        Map<String, DiskImage> images = new LinkedHashMap<>();
        try (FileChannel ch = index.gzip() ? null : FileChannel.open(path, StandardOpenOption.READ)) {
            for (OvaEntry e : index.entries().values()) {
                DiskSource src = new DiskSource(DiskSourceType.OVA_ENTRY, path.toString(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(e.name()));
                images.put(e.name(), new DiskImage(src, e.size(), probe(e, ch)));
            }
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read OVA " + path + ": " + e.getMessage(), e);
        }
        List<Vm> out = new ArrayList<>();
        for (var d : index.descriptors().entrySet()) {
            String base = d.getKey().contains("/") ? d.getKey().substring(0, d.getKey().lastIndexOf('/') + 1) : "";
            out.addAll(named(path + "!" + d.getKey(), () -> OvfMapper.map(d.getValue(), path.toString(),
                    href -> Optional.ofNullable(images.get(base + href)).or(() -> Optional.ofNullable(images.get(href))))));
        }
        return out;
    }

    /** The header of one member: read in place from the OVA when it can be sliced, else from its first bytes. */
    private Optional<ImageInfo> probe(OvaEntry e, FileChannel ova) {
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

    private static List<Path> ovfsIn(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> ovfs = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".ovf"))
                    .sorted().toList();
            if (ovfs.isEmpty()) {
                throw KvMigrateException.invalidInput("directory " + dir + " holds no .ovf descriptor; give the"
                        + " directory an OVA was unpacked into, or the .ova file");
            }
            return ovfs;
        } catch (IOException e) {
            throw KvMigrateException.io("cannot list " + dir + ": " + e.getMessage(), e);
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

    private static List<Vm> directory(Path dir, List<Path> ovfs) {
        List<Vm> out = new ArrayList<>();
        for (Path ovf : ovfs) {
            XmlNode envelope = SafeXml.parse(ovf);
            out.addAll(named(ovf.toString(), () -> OvfMapper.map(envelope, ovf.toString(), href -> fileImage(dir, ovf,
                    href))));
        }
        return out;
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
