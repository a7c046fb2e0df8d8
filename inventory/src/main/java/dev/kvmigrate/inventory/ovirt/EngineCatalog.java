package dev.kvmigrate.inventory.ovirt;

import dev.kvmigrate.inventory.xml.XmlNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine-wide objects VMs refer to by id, fetched once per scan: clusters, hosts (with their devices when
 * a VM needs GPU names), logical networks, vNIC profiles and storage domains.
 */
record EngineCatalog(Map<String, XmlNode> clusters, Map<String, XmlNode> hosts, Map<String, XmlNode> networks,
        Map<String, XmlNode> vnicProfiles, Map<String, XmlNode> storageDomains) {

    EngineCatalog {
        clusters = Map.copyOf(clusters);
        hosts = Map.copyOf(hosts);
        networks = Map.copyOf(networks);
        vnicProfiles = Map.copyOf(vnicProfiles);
        storageDomains = Map.copyOf(storageDomains);
    }

    static final EngineCatalog EMPTY = new EngineCatalog(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

    /** Indexes a collection answer ({@code <clusters><cluster id=…>…}) by id. */
    static Map<String, XmlNode> byId(XmlNode collection) {
        Map<String, XmlNode> out = new LinkedHashMap<>();
        for (XmlNode n : collection.children()) {
            n.attr("id").ifPresent(id -> out.put(id, n));
        }
        return out;
    }

    Optional<XmlNode> cluster(Optional<String> id) {
        return id.map(clusters::get);
    }

    Optional<XmlNode> host(String id) {
        return Optional.ofNullable(hosts.get(id));
    }

    /** Hosts of a cluster, for resolving vGPU type names of VMs that are not running. */
    List<XmlNode> hostsOf(String clusterId) {
        return hosts.values().stream()
                .filter(h -> h.attr("cluster", "id").filter(clusterId::equals).isPresent())
                .toList();
    }

    Optional<String> networkName(String id) {
        return Optional.ofNullable(networks.get(id)).flatMap(n -> n.text("name"));
    }

    Optional<XmlNode> vnicProfile(String id) {
        return Optional.ofNullable(vnicProfiles.get(id));
    }

    Optional<String> storageDomainName(String id) {
        return Optional.ofNullable(storageDomains.get(id)).flatMap(n -> n.text("name"));
    }

    Optional<String> name(Map<String, XmlNode> map, Optional<String> id) {
        return id.map(map::get).flatMap(n -> n.text("name"));
    }
}
