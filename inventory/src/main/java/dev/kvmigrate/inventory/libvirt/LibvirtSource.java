package dev.kvmigrate.inventory.libvirt;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.SourceProblems;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.VmSource;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskSourceType;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.inventory.model.SourceKind;
import dev.kvmigrate.inventory.model.SourceRef;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.Device;
import org.libvirt.Domain;
import org.libvirt.DomainBlockInfo;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;
import org.libvirt.StorageVolInfo;
import org.libvirt.jna.Libvirt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A libvirt connection read through libvirt-java (no virsh): every domain, running or shut off, with its
 * XML, state and snapshot count; the host's node devices once per scan for GPU resolution; disk sizes of file and
 * block disks from the daemon's block info ({@code virDomainGetBlockInfo}, which the QEMU driver answers for
 * shut-off domains too, also over a remote URI), else from storage volumes, else (local URIs only) from the image
 * header, else unknown.
 */
public final class LibvirtSource implements VmSource, SourceProblems {
    private static final Logger LOG = LoggerFactory.getLogger(LibvirtSource.class);

    /**
     * libvirt prints every error to stderr unless a callback takes it; errors reach us as exceptions anyway.
     * Held in a static field so the native side's reference never dangles.
     */
    private static final Libvirt.VirErrorCallback QUIET = (userData, error) ->
            LOG.debug("libvirt: {}", error == null ? "(no detail)" : error.message);

    private final String uri;
    private final Connect conn;
    private final boolean local;
    /** libvirt's test driver ({@code test:///…}): it invents block info, so sizes come from its pools only. */
    private final boolean testDriver;
    private final List<String> problems = new ArrayList<>();

    private LibvirtSource(String uri, Connect conn, boolean local) {
        this.uri = uri;
        this.conn = conn;
        this.local = local;
        this.testDriver = uri.startsWith("test:");
    }

    /**
     * Connects read-only with libvirt's default authentication ({@code qemu:///system}, {@code qemu+ssh://…},
     * {@code test:///path/node.xml}). Failure is SOURCE_UNREACHABLE naming the URI and what to check.
     */
    public static LibvirtSource open(String uri) {
        testDriverFile(uri).filter(f -> !java.nio.file.Files.isReadable(f)).ifPresent(f -> {
            throw KvMigrateException.sourceUnreachable("cannot connect to libvirt at " + uri + ": test-driver file "
                    + f + " does not exist or is not readable; check the URI (test:///ABSOLUTE/PATH.xml)", null);
        });
        try {
            Connect.setErrorCallback(QUIET);
            Connect conn = new Connect(uri, true);
            return new LibvirtSource(uri, conn, isLocal(uri));
        } catch (LibvirtException e) {
            throw KvMigrateException.sourceUnreachable("cannot connect to libvirt at " + uri + ": "
                    + oneLine(e.getMessage()) + "; check the URI, that libvirtd runs there and that this user may"
                    + " connect (e.g. membership of group libvirt, or qemu+ssh://user@host/system)", e);
        } catch (LinkageError e) {
            throw KvMigrateException.sourceUnreachable("cannot load libvirt's native library to connect to " + uri
                    + " (" + oneLine(e.getMessage()) + "); install the libvirt0 package, or scan 'virsh dumpxml'"
                    + " output with --xml-dir", e);
        }
    }

    /** The node file of a {@code test:///path.xml} URI ({@code test:///default} has none). */
    static Optional<Path> testDriverFile(String uri) {
        if (!uri.startsWith("test:///") || uri.equals("test:///default")) {
            return Optional.empty();
        }
        String path = uri.substring("test://".length());
        int query = path.indexOf('?');
        return Optional.of(Path.of(query >= 0 ? path.substring(0, query) : path));
    }

    /** A URI naming the local host: no host part and no remote transport. */
    static boolean isLocal(String uri) {
        try {
            URI u = URI.create(uri);
            String scheme = Optional.ofNullable(u.getScheme()).orElse("");
            return (u.getHost() == null || u.getHost().isEmpty()) && !scheme.contains("+ssh")
                    && !scheme.contains("+tcp") && !scheme.contains("+tls") && !scheme.contains("+libssh");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** libvirt's {@code VIR_CONNECT_LIST_DOMAINS_ACTIVE} / {@code _INACTIVE} flags of virConnectListAllDomains. */
    private static final int LIST_ACTIVE = 1;
    private static final int LIST_INACTIVE = 2;

    /** One selected domain: its handle, whether it runs, and (once fetched) its XML or what went wrong. */
    private static final class Entry {
        final Domain domain;
        final String name;
        final boolean active;
        XmlNode xml;
        Vm vm;
        String problem;

        Entry(Domain domain, String name, boolean active) {
            this.domain = domain;
            this.name = name;
            this.active = active;
        }
    }

    @Override
    public synchronized Inventory scan(VmSelector selector) {
        problems.clear();
        List<Entry> all = new ArrayList<>();
        try {
            for (Domain d : conn.listAllDomains(LIST_ACTIVE)) {
                all.add(new Entry(d, d.getName(), true));
            }
            for (Domain d : conn.listAllDomains(LIST_INACTIVE)) {
                all.add(new Entry(d, d.getName(), false));
            }
        } catch (LibvirtException e) {
            throw KvMigrateException.sourceUnreachable("cannot list the domains of " + uri + ": "
                    + oneLine(e.getMessage()) + "; check that this user may list domains there", e);
        }
        // Sorted by name so that two scans of the same host diff cleanly.
        all.sort(java.util.Comparator.comparing(e -> e.name));
        List<String> names = all.stream().map(e -> e.name).collect(java.util.stream.Collectors.toList());
        Scans.requireAllMatched(selector, names, uri);
        List<Entry> selected = new ArrayList<>();
        for (Entry e : all) {
            if (selector.matches(e.name)) {
                selected.add(e);
            } else {
                free(e.domain);
            }
        }
        // libvirt connections are thread-safe: fetch and parse domains in parallel, node devices once in between.
        selected.parallelStream().forEach(this::fetch);
        NodeDevices devices = selected.stream().anyMatch(e -> e.xml != null && !e.xml.all("devices/hostdev")
                .isEmpty()) ? nodeDevices() : NodeDevices.NONE;
        selected.parallelStream().forEach(e -> build(e, devices));
        List<Vm> vms = new ArrayList<>();
        for (Entry e : selected) {
            if (e.vm != null) {
                vms.add(e.vm);
            } else {
                problems.add(e.problem);
            }
        }
        return Inventory.of(new SourceRef(SourceKind.LIBVIRT, uri), Optional.of(Instant.now().toString()), vms);
    }

    private void fetch(Entry e) {
        try {
            e.xml = SafeXml.parse(e.domain.getXMLDesc(0), "libvirt domain " + e.name);
        } catch (LibvirtException ex) {
            e.problem = "libvirt domain " + e.name + " at " + uri + " could not be read: " + oneLine(ex.getMessage())
                    + " (undefined while scanning?); scan again";
        } catch (KvMigrateException ex) {
            e.problem = ex.getMessage();
        }
    }

    private void build(Entry e, NodeDevices devices) {
        try {
            if (e.xml == null) {
                return;
            }
            // Only an active domain can be paused or suspended: ask libvirt for the state of those alone.
            PowerState state = e.active ? state(e.domain.getInfo().state) : PowerState.SHUTOFF;
            Vm vm = DomainParser.parse(e.xml, devices, "libvirt domain " + e.name + " at " + uri, state,
                    snapshots(e.domain, e.name));
            e.vm = Scans.finish(vm, d -> size(e.domain, e.name, d));
        } catch (LibvirtException ex) {
            e.problem = "libvirt domain " + e.name + " at " + uri + " could not be read: " + oneLine(ex.getMessage())
                    + " (undefined while scanning?); scan again";
        } catch (KvMigrateException ex) {
            e.problem = ex.getMessage();
        } finally {
            e.xml = null;
            free(e.domain);
        }
    }

    /** Every node device of the host, fetched once; a host that lists none gives an empty index. */
    private NodeDevices nodeDevices() {
        List<XmlNode> docs = new ArrayList<>();
        String[] names;
        try {
            names = conn.listDevices(null);
        } catch (LibvirtException e) {
            LOG.warn("{}: node devices cannot be listed ({}); vGPU types and GPU products stay unknown", uri,
                    oneLine(e.getMessage()));
            return NodeDevices.NONE;
        }
        for (String n : names) {
            try {
                Device device = conn.deviceLookupByName(n);
                try {
                    docs.add(SafeXml.parse(device.getXMLDescription(), "node device " + n));
                } finally {
                    device.free();
                }
            } catch (LibvirtException | KvMigrateException e) {
                LOG.warn("{}: node device {} unreadable: {}", uri, n, oneLine(e.getMessage()));
            }
        }
        return NodeDevices.of(docs);
    }

    private int snapshots(Domain d, String name) {
        try {
            return Math.max(0, d.snapshotNum());
        } catch (LibvirtException e) {
            LOG.debug("{}: snapshot count of {} unavailable: {}", uri, name, oneLine(e.getMessage()));
            return 0;
        }
    }

    /**
     * Sizes one disk: for a file or block disk first the daemon's block info (capacity = the guest-visible virtual
     * size, allocation = the bytes the image occupies on the host), then the storage volume of its path or
     * pool/volume, then (local URIs only) the image header of the file.
     */
    private Disk size(Domain domain, String name, Disk d) {
        Optional<DomainBlockInfo> block = blockInfo(domain, name, d);
        if (block.isPresent()) {
            return d.withSizes(Optional.of(block.get().getCapacity()), Optional.of(block.get().getAllocation()));
        }
        Optional<StorageVolInfo> info = volumeInfo(d);
        if (info.isPresent()) {
            return d.withSizes(Optional.of(info.get().capacity), Optional.of(info.get().allocation));
        }
        if (local && d.source().type() == DiskSourceType.FILE && !d.source().location().isEmpty()) {
            return Scans.probeLocal(d, Path.of(d.source().location()));
        }
        return d;
    }

    /**
     * {@code virDomainGetBlockInfo} of a file or block disk, asked by its target dev ({@code vda}) and then by its
     * source path. The QEMU driver answers for shut-off domains by opening the image itself; a missing or
     * unreadable image is an error that falls through. Not asked on the test driver, whose block info is a fixed
     * 1 TiB for every disk ({@code virsh -c test:///default domblkinfo test vda}).
     */
    private Optional<DomainBlockInfo> blockInfo(Domain domain, String name, Disk d) {
        DiskSourceType type = d.source().type();
        if (domain == null || testDriver || (type != DiskSourceType.FILE && type != DiskSourceType.BLOCK)
                || d.source().location().isEmpty()) {
            return Optional.empty();
        }
        List<String> keys = new ArrayList<>();
        if (!d.target().isEmpty()) {
            keys.add(d.target());
        }
        keys.add(d.source().location());
        for (String key : keys) {
            try {
                DomainBlockInfo info = domain.blockInfo(key);
                if (info != null && info.getCapacity() > 0) {
                    return Optional.of(info);
                }
            } catch (LibvirtException e) {
                LOG.debug("{}: no block info for disk {} of {} ({}): {}", uri, key, name, d.source().location(),
                        oneLine(e.getMessage()));
            }
        }
        return Optional.empty();
    }

    private Optional<StorageVolInfo> volumeInfo(Disk d) {
        try {
            switch (d.source().type()) {
                case FILE, BLOCK -> {
                    if (d.source().location().isEmpty()) {
                        return Optional.empty();
                    }
                    return Optional.of(conn.storageVolLookupByPath(d.source().location()).getInfo());
                }
                case VOLUME -> {
                    if (d.source().pool().isEmpty() || d.source().volume().isEmpty()) {
                        return Optional.empty();
                    }
                    return Optional.of(conn.storagePoolLookupByName(d.source().pool().get())
                            .storageVolLookupByName(d.source().volume().get()).getInfo());
                }
                default -> {
                    return Optional.empty();
                }
            }
        } catch (LibvirtException e) {
            LOG.debug("{}: no storage volume for disk {} ({}): {}", uri, d.target(), d.source().location(),
                    oneLine(e.getMessage()));
            return Optional.empty();
        }
    }

    static PowerState state(DomainInfo.DomainState s) {
        return switch (s) {
            case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED -> PowerState.RUNNING;
            case VIR_DOMAIN_PAUSED -> PowerState.PAUSED;
            case VIR_DOMAIN_PMSUSPENDED -> PowerState.SUSPENDED;
            case VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTOFF -> PowerState.SHUTOFF;
            case VIR_DOMAIN_CRASHED -> PowerState.CRASHED;
            default -> PowerState.UNKNOWN;
        };
    }

    private static void free(Domain d) {
        try {
            d.free();
        } catch (LibvirtException e) {
            LOG.debug("domain handle not freed: {}", oneLine(e.getMessage()));
        }
    }

    private static String oneLine(String s) {
        return s == null ? "(no detail)" : s.replaceAll("\\s+", " ").trim();
    }

    @Override
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (LibvirtException e) {
            LOG.debug("{}: close failed: {}", uri, oneLine(e.getMessage()));
        }
    }
}
