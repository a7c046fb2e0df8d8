package dev.kvmigrate.inventory.ovirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.inventory.xml.XmlNode;
import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every VM body recorded from live engines (and vm-import-operator's engine stubs) maps to the model without an
 * uncaught exception, as do the recorded hosts and clusters through the catalog and GPU lookups.
 */
class OvirtRecordedBodiesTest {

    private static EngineCatalog catalog(Path dir) {
        return new EngineCatalog(index(dir, "clusters.xml"), index(dir, "hosts.xml"), index(dir, "networks.xml"),
                index(dir, "vnicprofiles.xml"), index(dir, "storagedomains.xml"));
    }

    private static Map<String, XmlNode> index(Path dir, String name) {
        return RecordedEngines.file(dir, name).map(p -> EngineCatalog.byId(SafeXml.parse(p))).orElse(Map.of());
    }

    private static List<XmlNode> vmsIn(XmlNode root) {
        return switch (root.name()) {
            case "vms" -> root.children("vm");
            case "vm" -> List.of(root);
            default -> List.of();
        };
    }

    @Test
    void everyRecordedVmBodyMaps() throws IOException {
        Path recorded = SharedDir.require("fixtures/ovirt/recorded");
        int files = 0;
        int vms = 0;
        int concerns = 0;
        for (Path dir : RecordedEngines.directories(recorded)) {
            EngineCatalog catalog = catalog(dir);
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.filter(p -> p.getFileName().toString().matches("\\d+-vms(__[0-9a-f-]{36})?(__q_.*)?\\.xml"))
                        .sorted().toList()) {
                    List<XmlNode> nodes = vmsIn(SafeXml.parse(f));
                    files++;
                    for (XmlNode node : nodes) {
                        Vm vm = OvirtVmMapper.map(node, catalog, "https://engine.invalid/ovirt-engine/api");
                        vm = vm.withConcerns(OvirtConcerns.check(node, vm, catalog));
                        assertThat(vm.name()).isEqualTo(node.text("name").orElse(vm.id()));
                        vms++;
                        concerns += vm.concerns().size();
                    }
                }
            }
        }
        System.out.printf("recorded oVirt bodies: %d files, %d VMs mapped, %d concerns%n", files, vms, concerns);
        assertThat(files).isGreaterThan(20);
        assertThat(vms).isGreaterThan(files);
    }

    @Test
    void everyRecordedHostAndClusterBodyIndexes() throws IOException {
        Path recorded = SharedDir.require("fixtures/ovirt/recorded");
        int hosts = 0;
        int clusters = 0;
        for (Path dir : RecordedEngines.directories(recorded)) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.filter(p -> p.getFileName().toString().matches("\\d+-(hosts|clusters)(__[0-9a-f-]{36})?\\.xml"))
                        .sorted().toList()) {
                    XmlNode root = SafeXml.parse(f);
                    List<XmlNode> items = root.name().endsWith("s") ? root.children() : List.of(root);
                    for (XmlNode item : items) {
                        if (item.name().equals("host")) {
                            hosts++;
                            assertThat(OvirtGpus.mdevParent(List.of(item), "nvidia-222")).isEmpty();
                        } else if (item.name().equals("cluster")) {
                            clusters++;
                            assertThat(OvirtVmMapper.biosType(SafeXml.parse("<vm/>", "vm"), Optional.of(item)))
                                    .isNotBlank();
                        }
                    }
                }
            }
        }
        System.out.printf("recorded oVirt bodies: %d hosts, %d clusters indexed%n", hosts, clusters);
        assertThat(hosts).isPositive();
        assertThat(clusters).isPositive();
    }

    @Test
    void vmImportOperatorStubsMap() throws IOException {
        Path stubs = SharedDir.require("fixtures/ovirt/vm-import-operator/tests/ovirt/stubbing/vms");
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(stubs)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".xml")).sorted().toList()) {
                for (XmlNode node : vmsIn(SafeXml.parse(f))) {
                    Vm vm = OvirtVmMapper.map(node, EngineCatalog.EMPTY, "https://engine.invalid/ovirt-engine/api");
                    names.add(vm.name());
                }
            }
        }
        System.out.printf("vm-import-operator stubs: %d VMs mapped%n", names.size());
        assertThat(names).hasSizeGreaterThan(10);
    }
}
