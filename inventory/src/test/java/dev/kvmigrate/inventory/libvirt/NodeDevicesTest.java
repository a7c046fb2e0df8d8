package dev.kvmigrate.inventory.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.inventory.xml.XmlNode;
import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class NodeDevicesTest {

    private static List<XmlNode> all(String dir) throws IOException {
        Path d = SharedDir.require("fixtures/libvirt/nodedev/" + dir);
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.toString().endsWith(".xml")).sorted().map(SafeXml::parse)
                    .collect(Collectors.toList());
        }
    }

    @Test
    void libvirtSchemaFlavourParses() throws IOException {
        List<XmlNode> docs = all("libvirt-nodedevschemadata");
        NodeDevices nd = NodeDevices.of(docs);
        // Every mdev/PCI document is indexed (several SR-IOV variants share the name pci_0000_02_10_7).
        long distinct = docs.stream().filter(d -> d.children("capability").stream().anyMatch(c ->
                c.attr("type").filter(t -> t.equals("pci") || t.equals("mdev")).isPresent()))
                .map(d -> d.text("name").orElse("")).distinct().count();
        assertThat(nd.size()).isEqualTo(distinct).isGreaterThanOrEqualTo(8);
        // UUID only in the name (no <uuid> element).
        assertThat(nd.mdev("3627463d-b7f0-4fea-b468-f1da537d301b")).hasValueSatisfying(m ->
                assertThat(m.typeId()).contains("mtty-1"));
        // <uuid> inside the capability, attrs parsed.
        assertThat(nd.mdev("9c4954d2-fa39-4973-9d66-d61c6c4d0100")).hasValueSatisfying(m -> {
            assertThat(m.typeId()).contains("i915-GVTg_V5_8");
            assertThat(m.attrs()).containsEntry("example-attribute", "attribute-value");
        });
        assertThat(nd.pciByName("pci_0000_02_10_7")).hasValueSatisfying(p -> {
            assertThat(p.address()).contains("0000:02:10.7");
            assertThat(p.mdevTypes()).containsEntry("foo1", "bar1").containsEntry("foo2", "bar2");
            assertThat(p.vendorId()).contains("8086");
            assertThat(p.isNvidiaDisplay()).isFalse();
        });
    }

    @Test
    void virtManagerTestdriverFlavourParses() throws IOException {
        List<XmlNode> docs = all("virt-manager-testdriver");
        NodeDevices nd = NodeDevices.of(docs);
        assertThat(nd.size()).isGreaterThan(30);
        // Named with a parent suffix: found by the <uuid> inside.
        assertThat(nd.mdev("35ceae7f-eea5-4f28-b7f3-7b12a3e62d3c")).hasValueSatisfying(m -> {
            assertThat(m.name()).isEqualTo("mdev_35ceae7f_eea5_4f28_b7f3_7b12a3e62d3c_0000_06_00_0");
            assertThat(m.typeId()).contains("nvidia-11");
            assertThat(m.parent()).contains("pci_0000_06_00_0");
        });
        // pci_1180_476 is not named by address: found by its capability address.
        assertThat(nd.pciByAddress("0001:15:0a.32")).hasValueSatisfying(p ->
                assertThat(p.productName()).contains("RL5c476 II"));
        assertThat(nd.pciByAddress("0000:00:02.0")).hasValueSatisfying(p ->
                assertThat(p.productName()).contains("HD Graphics 530"));
    }

    @Test
    void displayClassAndUnknownLookups() {
        assertThat(NodeDevices.displayClass("0x030200")).isTrue();
        assertThat(NodeDevices.displayClass("0x30000")).isTrue();
        assertThat(NodeDevices.displayClass("0x020000")).isFalse();
        assertThat(NodeDevices.NONE.mdev("c2177883-f1bb-47f0-914d-32a22e3a8804")).isEmpty();
        assertThat(NodeDevices.NONE.pciByAddress("0000:3b:00.0")).isEmpty();
    }
}
