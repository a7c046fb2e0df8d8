package dev.kvmigrate.inventory.libvirt;

import dev.kvmigrate.fuzz.Inputs;
import dev.kvmigrate.inventory.xml.SafeXml;
import java.util.List;

/** A {@code virsh nodedev-dumpxml} document: the node-device index (mdevs, PCI GPUs, parents' mdev types). */
public final class NodeDeviceXmlFuzzer {
    private NodeDeviceXmlFuzzer() {}

    public static void fuzzerInitialize() {
        Inputs.warmUp(NodeDeviceXmlFuzzer::fuzzerTestOneInput);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        Inputs.expectInputErrorsOnly(() -> NodeDevices.of(List.of(SafeXml.parse(Inputs.text(data), "fuzz.xml"))));
    }
}
