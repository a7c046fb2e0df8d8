package dev.kvmigrate.inventory.libvirt;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.SourceProblems;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.VmSource;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskSourceType;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.SourceKind;
import dev.kvmigrate.inventory.model.SourceRef;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offline libvirt source: a directory (searched recursively) of {@code *.xml} files as {@code virsh dumpxml}
 * and {@code virsh nodedev-dumpxml} print them. A libvirt test-driver {@code <node>} document is read too (its
 * {@code <domain>} and {@code <device>} children).
 *
 * <ul>
 *   <li>A file of several {@code <device>} documents one after another (a host's node devices dumped one per
 *       line) is read as that many node devices.</li>
 *   <li>Files whose root is anything else ({@code <network>}, {@code <pool>}, {@code <capabilities>}) are skipped
 *       and counted ({@link #skippedFiles()}), logged at info level.</li>
 *   <li>A broken file (malformed XML, DOCTYPE/entities, a domain that cannot be represented) is reported in
 *       {@link #problems()} by file name and reason; the other files are still scanned.</li>
 *   <li>Power state: a dump with an {@code id} attribute is of a running domain, one without of a shut-off one.</li>
 *   <li>Disk paths that are relative are resolved against the directory of the dump file that names them and
 *       recorded absolute; disks found here are sized from their image headers, others get DISK_SIZE_UNKNOWN.</li>
 *   <li>Links: a directory given through a symbolic link is scanned (the link is followed); a dump file that is a
 *       link to a file is read wherever the file is (the user named the directory, its dumps are the user's
 *       input); links to subdirectories are not followed (no cycles, no scanning outside what was named).</li>
 *   <li>A directory without any {@code *.xml} file is an INVALID_INPUT error, not an empty inventory.</li>
 * </ul>
 */
public final class XmlDumpSource implements VmSource, SourceProblems {
    private static final Logger LOG = LoggerFactory.getLogger(XmlDumpSource.class);

    private final Path dir;
    private final List<String> problems = new ArrayList<>();
    private final List<Path> skipped = new ArrayList<>();

    private XmlDumpSource(Path dir) {
        this.dir = dir;
    }

    /** A source over {@code dir}; fails with INVALID_INPUT when it is not a readable directory. */
    public static XmlDumpSource open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw KvMigrateException.invalidInput("--xml-dir " + dir + " is not a directory; give the directory"
                    + " holding 'virsh dumpxml' output");
        }
        return new XmlDumpSource(dir);
    }

    /** The directory to walk: {@code dir} itself, or what it links to (a walk does not follow its start link). */
    private Path walkRoot() {
        if (!Files.isSymbolicLink(dir)) {
            return dir;
        }
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            throw KvMigrateException.io("cannot follow --xml-dir " + dir + ": " + e.getMessage(), e);
        }
    }

    private record Domain(XmlNode xml, Path file) {}

    @Override
    public synchronized Inventory scan(VmSelector selector) {
        problems.clear();
        skipped.clear();
        List<Domain> domains = new ArrayList<>();
        List<XmlNode> devices = new ArrayList<>();
        for (Path file : xmlFiles()) {
            XmlNode root;
            try {
                root = SafeXml.parse(file);
            } catch (KvMigrateException e) {
                Optional<List<XmlNode>> concatenated = concatenatedDevices(file);
                if (concatenated.isPresent()) {
                    devices.addAll(concatenated.get());
                } else {
                    problems.add(e.getMessage());
                }
                continue;
            }
            switch (root.name()) {
                case "domain" -> {
                    if (root.children().isEmpty()) {
                        // <domain>0</domain>: a PCI address fragment, not a domain definition.
                        LOG.info("{}: <domain> without child elements is not a domain definition; skipped", file);
                        skipped.add(file);
                    } else {
                        domains.add(new Domain(root, file));
                    }
                }
                case "device" -> devices.add(root);
                case "node" -> {
                    root.children("domain").forEach(d -> domains.add(new Domain(d, file)));
                    devices.addAll(root.children("device"));
                }
                default -> {
                    LOG.info("{}: root element <{}> is neither <domain> nor <device>; skipped", file, root.name());
                    skipped.add(file);
                }
            }
        }
        NodeDevices nodeDevices = NodeDevices.of(devices);
        List<String> names = domains.stream().map(d -> d.xml().text("name").orElse("")).filter(n -> !n.isEmpty())
                .collect(Collectors.toList());
        Scans.requireAllMatched(selector, names, dir.toString());
        List<Vm> vms = new ArrayList<>();
        for (Domain d : domains) {
            String name = d.xml().text("name").orElse("");
            if (!name.isEmpty() && !selector.matches(name)) {
                continue;
            }
            try {
                Vm vm = DomainParser.parse(d.xml(), nodeDevices, d.file().toString());
                Path base = d.file().toAbsolutePath().getParent();
                vms.add(Scans.finish(vm, disk -> size(disk, base)));
            } catch (KvMigrateException e) {
                problems.add(e.getMessage());
            }
        }
        LOG.info("{}: {} domain(s), {} node device(s), {} skipped, {} problem(s)", dir, vms.size(),
                nodeDevices.size(), skipped.size(), problems.size());
        return Inventory.of(new SourceRef(SourceKind.XML_DUMP, dir.toString()), Optional.of(
                Instant.now().toString()), vms);
    }

    /**
     * The {@code <device>} documents of a file that holds several, one after another (some tools dump a host's
     * node devices that way, one per line), when it is nothing else: the file is read once more inside a
     * synthetic root; XML declarations between the documents are dropped. Empty when the file is not such a dump
     * (the caller reports the original parse error).
     */
    private static Optional<List<XmlNode>> concatenatedDevices(Path file) {
        String text;
        try {
            if (Files.size(file) > SafeXml.DEFAULT_MAX_BYTES) {
                return Optional.empty();
            }
            text = Files.readString(file).replaceAll("<\\?xml[^>]*\\?>", "");
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
        if (!text.stripLeading().startsWith("<device")) {
            return Optional.empty();
        }
        try {
            XmlNode root = SafeXml.parse("<devices>" + text + "</devices>", file.toString());
            List<XmlNode> devices = root.children("device");
            return devices.size() > 1 && devices.size() == root.children().size()
                    ? Optional.of(devices) : Optional.empty();
        } catch (KvMigrateException e) {
            return Optional.empty();
        }
    }

    private static Disk size(Disk d, Path base) {
        if (d.source().type() != DiskSourceType.FILE || d.source().location().isEmpty()) {
            return d;
        }
        Path p = Path.of(d.source().location());
        Disk disk = d;
        if (!p.isAbsolute()) {
            p = base.resolve(p).normalize();
            disk = Scans.withFile(d, p.toString());
        }
        return Scans.probeLocal(disk, p);
    }

    /** The dumps under the directory; a link to a file counts as the file (see the class comment). */
    private List<Path> xmlFiles() {
        Path root = walkRoot();
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xml"))
                    .filter(Files::isRegularFile)
                    .map(p -> root == dir ? p : dir.resolve(root.relativize(p)))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException | java.io.UncheckedIOException e) {
            throw KvMigrateException.io("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw KvMigrateException.invalidInput("--xml-dir " + dir + (root == dir ? "" : " (→ " + root + ")")
                    + " holds no *.xml file; give the directory holding 'virsh dumpxml' output");
        }
        return files;
    }

    @Override
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /** Files of the last scan whose root element was neither a domain nor a node device. */
    public synchronized List<Path> skippedFiles() {
        return List.copyOf(skipped);
    }

    @Override
    public void close() {
        // Nothing held open between scans.
    }
}
