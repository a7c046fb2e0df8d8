package dev.kvmigrate.inventory.ovirt;

import dev.kvmigrate.common.ovirt.EngineStatusException;
import dev.kvmigrate.common.ovirt.UntrustedCaException;
import dev.kvmigrate.inventory.concern.ModelRules;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.VmSource;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.SourceKind;
import dev.kvmigrate.inventory.model.SourceRef;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An oVirt / RHV engine over REST API v4, in its native XML.
 *
 * <p>Request budget: one SSO login; VMs in pages of {@link OvirtSettings#pageSize()} with their disks, NICs,
 * host devices, mediated devices, watchdogs, CD-ROMs and snapshots inlined by {@code follow}; then clusters,
 * networks, vNIC profiles, storage domains and hosts once each (hosts with their devices only when a VM has a
 * vGPU or host device). 500 VMs at the default page size cost 9 requests.
 */
public final class OvirtSource implements VmSource {
    private static final Logger LOG = LoggerFactory.getLogger(OvirtSource.class);
    /** Sub-collections inlined in each VM page. Names are the VM type's link attributes (oVirt {@code follow}). */
    static final String FOLLOW =
            "disk_attachments.disk,nics.vnic_profile,host_devices,mediated_devices,watchdogs,cdroms,snapshots";

    /** The same for engines before 4.5, which have no mediated devices. */
    static final String FOLLOW_BEFORE_45 =
            "disk_attachments.disk,nics.vnic_profile,host_devices,watchdogs,cdroms,snapshots";

    private final OvirtSettings settings;
    private final EngineClient client;

    private OvirtSource(OvirtSettings settings, EngineClient client) {
        this.settings = settings;
        this.client = client;
    }

    /**
     * Connects and logs in. Fails with {@link dev.kvmigrate.common.ExitCode#SOURCE_UNREACHABLE} when the engine
     * cannot be reached or refuses the login, and with {@link UntrustedCaException} (showing the CA's
     * fingerprint) when its certificate is not trusted and neither a CA file nor {@code insecure} was given.
     */
    public static OvirtSource open(OvirtSettings settings) {
        EngineClient client = EngineClient.login(settings);
        return new OvirtSource(settings, client);
    }

    /** HTTP requests sent to the engine so far (login included), for {@code --debug}. */
    public int requestCount() {
        return client.requestCount();
    }

    @Override
    public Inventory scan(VmSelector selector) {
        List<XmlNode> pages = vmNodes();
        List<XmlNode> picked = pages.stream()
                .filter(v -> selector.matches(v.text("name").orElse(""))).toList();
        List<String> unmatched = selector.unmatched(pages.stream().map(v -> v.text("name").orElse("")).toList());
        if (!unmatched.isEmpty()) {
            LOG.warn("no VM on {} matches {}", settings.apiUrl(), unmatched);
        }
        EngineCatalog catalog = catalog(picked.stream().anyMatch(OvirtSource::needsHostDevices));
        List<Vm> vms = new ArrayList<>();
        for (XmlNode node : picked) {
            Vm vm = OvirtVmMapper.map(node, catalog, settings.apiUrl().toString());
            vms.add(withConcerns(vm.withConcerns(OvirtConcerns.check(node, vm, catalog))));
        }
        LOG.debug("scanned {} VMs from {} in {} requests", vms.size(), settings.apiUrl(), requestCount());
        return Inventory.of(new SourceRef(SourceKind.OVIRT, settings.apiUrl().toString()),
                Optional.of(Instant.now().toString()), vms);
    }

    /** Adds the source-neutral concerns to a mapped VM (the oVirt-specific ones are already on it). */
    private Vm withConcerns(Vm vm) {
        return ModelRules.apply(vm);
    }

    /** All VM elements, page by page, until a short page (or a page that repeats what was seen). */
    private List<XmlNode> vmNodes() {
        List<XmlNode> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String base = settings.search().orElse("");
        String follow = FOLLOW;
        String order = base.toLowerCase(Locale.ROOT).contains("sortby") ? "" : " sortby name asc";
        for (int page = 1; ; page++) {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("search", (base + order + " page " + page).trim());
            q.put("max", Integer.toString(settings.pageSize()));
            q.put("follow", follow);
            List<XmlNode> vms;
            try {
                vms = client.get("vms", q).children("vm");
            } catch (EngineStatusException e) {
                if (e.status() != 400 || !follow.equals(FOLLOW)) {
                    throw e;
                }
                // Engines before 4.5 have no mediated devices and refuse to follow them; vGPUs come from mdev_type.
                LOG.info("engine refused follow={} ({}); asking again without mediated_devices", FOLLOW, e.getMessage());
                follow = FOLLOW_BEFORE_45;
                page--;
                continue;
            }
            int fresh = 0;
            for (XmlNode vm : vms) {
                if (vm.attr("id").map(seen::add).orElse(false)) {
                    out.add(vm);
                    fresh++;
                }
            }
            if (vms.size() < settings.pageSize() || fresh == 0) {
                return out;
            }
        }
    }

    private EngineCatalog catalog(boolean hostDevices) {
        return new EngineCatalog(
                EngineCatalog.byId(client.get("clusters", Map.of())),
                EngineCatalog.byId(client.get("hosts", hostDevices ? Map.of("follow", "devices") : Map.of())),
                EngineCatalog.byId(client.get("networks", Map.of())),
                EngineCatalog.byId(client.get("vnicprofiles", Map.of())),
                EngineCatalog.byId(client.get("storagedomains", Map.of())));
    }

    private static boolean needsHostDevices(XmlNode vm) {
        return vm.child("mediated_devices").map(m -> !m.children().isEmpty()).orElse(false)
                || vm.child("host_devices").map(m -> !m.children().isEmpty()).orElse(false)
                || EngineXml.properties(vm, "custom_properties", "custom_property").containsKey("mdev_type");
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "OvirtSource[" + settings.apiUrl() + " as " + settings.engine().user() + "]";
    }
}
