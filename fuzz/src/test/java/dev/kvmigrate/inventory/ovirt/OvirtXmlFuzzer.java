package dev.kvmigrate.inventory.ovirt;

import dev.kvmigrate.fuzz.Inputs;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.util.List;

/** An oVirt engine answer (REST API v4 XML: a page of VMs or one VM): the VM mapper and the oVirt rules. */
public final class OvirtXmlFuzzer {
    private OvirtXmlFuzzer() {}

    public static void fuzzerInitialize() {
        Inputs.warmUp(OvirtXmlFuzzer::fuzzerTestOneInput);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        Inputs.expectInputErrorsOnly(() -> {
            XmlNode root = SafeXml.parse(Inputs.text(data), "fuzz.xml");
            // A page of the VM collection, as the scan reads it, or one VM as a followed link returns it.
            List<XmlNode> vms = root.name().equals("vms") ? root.children("vm") : List.of(root);
            for (XmlNode vm : vms) {
                Vm mapped = OvirtVmMapper.map(vm, EngineCatalog.EMPTY, "https://engine.example/ovirt-engine/api");
                OvirtConcerns.check(vm, mapped, EngineCatalog.EMPTY);
            }
        });
    }
}
