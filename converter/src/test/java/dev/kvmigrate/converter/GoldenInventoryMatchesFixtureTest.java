package dev.kvmigrate.converter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Nic;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.inventory.xml.XmlNode;
import dev.kvmigrate.testing.SharedDir;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The golden inventory is written by hand while the libvirt scanner is built in parallel: this test keeps it
 * faithful to ../shared/fixtures/libvirt/gpu-host.xml (names, UUIDs, MACs, disk targets, vGPU mdev UUIDs and types).
 */
class GoldenInventoryMatchesFixtureTest {
    @Test
    void everyDomainOfTheFixtureIsInTheGoldenInventory() {
        XmlNode node = SafeXml.parse(SharedDir.require("fixtures/libvirt/gpu-host.xml"));
        Inventory inv = GoldenTest.inventory();
        List<XmlNode> domains = node.children("domain");
        assertThat(inv.vms()).extracting(Vm::name)
                .containsExactlyElementsOf(domains.stream().map(d -> d.text("name").orElseThrow()).toList());
        for (XmlNode d : domains) {
            Vm vm = inv.vm(d.text("name").orElseThrow()).orElseThrow();
            assertThat(vm.id()).isEqualTo(d.text("uuid").orElseThrow());
            assertThat(vm.cpu().vcpus()).isEqualTo(Integer.parseInt(d.text("vcpu").orElseThrow()));
            assertThat(vm.disks()).extracting(Disk::target).containsExactlyElementsOf(d.all("devices/disk").stream()
                    .map(x -> x.attr("target", "dev").orElseThrow()).toList());
            assertThat(vm.nics()).extracting(n -> n.mac().orElseThrow()).containsExactlyElementsOf(
                    d.all("devices/interface").stream().map(x -> x.attr("mac", "address").orElseThrow()).toList());
            assertThat(vm.nics()).extracting(Nic::model).containsExactlyElementsOf(d.all("devices/interface")
                    .stream().map(x -> x.attr("model", "type").orElseThrow()).toList());
            List<XmlNode> mdevs = d.all("devices/hostdev").stream()
                    .filter(h -> h.attr("type").orElse("").equals("mdev")).toList();
            assertThat(vm.gpus().stream().filter(g -> g.mdevUuid().isPresent()).map(g -> g.mdevUuid().get()))
                    .containsExactlyElementsOf(mdevs.stream()
                            .map(h -> h.attr("source/address", "uuid").orElseThrow()).toList());
            for (Gpu g : vm.gpus()) {
                g.mdevUuid().ifPresent(u -> assertThat(g.mdevType()).isEqualTo(mdevType(node, u)));
            }
        }
    }

    /** The mdev type id of the node device whose mdev capability carries {@code uuid}, if one does. */
    private static Optional<String> mdevType(XmlNode host, String uuid) {
        return host.children("device").stream()
                .filter(dev -> dev.text("capability/uuid").map(uuid::equals).orElse(false))
                .findFirst().flatMap(dev -> dev.attr("capability/type", "id"));
    }
}
