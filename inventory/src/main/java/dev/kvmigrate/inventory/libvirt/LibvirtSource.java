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
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;
import org.libvirt.StorageVolInfo;
import org.libvirt.jna.Libvirt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A libvirt connection read through libvirt-java (no virsh): every domain, running or shut off, with its
 * XML, state and snapshot count; the host's node devices once per scan for GPU resolution; disk sizes from
 * storage volumes, else (local URIs only) from the image header, else unknown.
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
    private final List<String> problems = new ArrayList<>();

    private LibvirtSource(String uri, Connect conn, boolean local) {
        this.uri = uri;
        this.conn = conn;
        this.local = local;
    }

    /**
     * Connects read-only with libvirt's default authentication ({@code qemu:///system}, {@code qemu+ssh://…},
     * {@code test:///path/node.xml}). Failure is SOURCE_UNREACHABLE naming the URI and what to check.
     */
    public static LibvirtSource open(String uri) {
        try {
            Connect.setErrorCallback(QUIET);
            Connect conn = new Connect(uri, true);
            return new LibvirtSource(uri, conn, isLocal(uri));
        } catch (LibvirtException e) {
            throw KvMigrateException.sourceUnreachable("cannot connect to libvirt at " + uri + ": "
                    + oneLine(e.getMessage()) + "; check the URI, that libvirtd runs there and that this user may"
                    + " connect (e.g. membership of group libvirt, or qemu+ssh://user@host/system)", e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw KvMigrateException.sourceUnreachable("cannot load libvirt's native library to connect to " + uri
                    + " (" + oneLine(e.getMessage()) + "); install the libvirt0 package, or scan 'virsh dumpxml'"
                    + " output with --xml-dir", new RuntimeException(e));
        }
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

    @Override
    public synchronized Inventory scan(VmSelector selector) {
        problems.clear();
        List<Domain> domains = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            List<Domain> all = new ArrayList<>(List.of(conn.listAllDomains(0)));
            List<String> allNames = new ArrayList<>();
            for (Domain d : all) {
                allNames.add(d.getName());
            }
            // Active domains come first from libvirt; sort by name so that scans diff cleanly.
            Integer[] order = new Integer[all.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, java.util.Comparator.comparing(allNames::get));
            for (int i : order) {
                domains.add(all.get(i));
                names.add(allNames.get(i));
            }
        } catch (LibvirtException e) {
            throw KvMigrateException.sourceUnreachable("cannot list the domains of " + uri + ": "
                    + oneLine(e.getMessage()) + "; check that this user may list domains there", e);
        }
        Scans.requireAllMatched(selector, names, uri);
        NodeDevices devices = null;
        List<Vm> vms = new ArrayList<>();
        for (int i = 0; i < domains.size(); i++) {
            String name = names.get(i);
            if (!selector.matches(name)) {
                continue;
            }
            Domain d = domains.get(i);
            try {
                XmlNode xml = SafeXml.parse(d.getXMLDesc(0), "libvirt domain " + name);
                if (devices == null && !xml.all("devices/hostdev").isEmpty()) {
                    devices = nodeDevices();
                }
                Vm vm = DomainParser.parse(xml, devices == null ? NodeDevices.NONE : devices,
                        "libvirt domain " + name + " at " + uri, state(d.getInfo().state), snapshots(d, name));
                vms.add(Scans.finish(vm, this::size));
            } catch (LibvirtException e) {
                problems.add("libvirt domain " + name + " at " + uri + " could not be read: "
                        + oneLine(e.getMessage()) + " (undefined while scanning?); scan again");
            } catch (KvMigrateException e) {
                problems.add(e.getMessage());
            } finally {
                free(d);
            }
        }
        return Inventory.of(new SourceRef(SourceKind.LIBVIRT, uri), Optional.of(Instant.now().toString()), vms);
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
                docs.add(SafeXml.parse(conn.deviceLookupByName(n).getXMLDescription(), "node device " + n));
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

    private Disk size(Disk d) {
        Optional<StorageVolInfo> info = volumeInfo(d);
        if (info.isPresent()) {
            return d.withSizes(Optional.of(info.get().capacity), Optional.of(info.get().allocation));
        }
        if (local && d.source().type() == DiskSourceType.FILE && !d.source().location().isEmpty()) {
            return Scans.probeLocal(d, Path.of(d.source().location()));
        }
        return d;
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
