package dev.kvmigrate.inventory.libvirt;

import dev.kvmigrate.fuzz.Inputs;
import dev.kvmigrate.inventory.concern.ModelRules;
import dev.kvmigrate.inventory.xml.SafeXml;

/** A {@code virsh dumpxml} document: the hardened XML reader, the domain parser and the concern rules. */
public final class DomainXmlFuzzer {
    private DomainXmlFuzzer() {}

    public static void fuzzerInitialize() {
        Inputs.warmUp(DomainXmlFuzzer::fuzzerTestOneInput);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        Inputs.expectInputErrorsOnly(() -> ModelRules.apply(DomainParser.parse(SafeXml.parse(Inputs.text(data),
                "fuzz.xml"), NodeDevices.NONE, "fuzz.xml")));
    }
}
