package dev.kvmigrate.inventory.ova;

import dev.kvmigrate.fuzz.Inputs;
import dev.kvmigrate.inventory.xml.SafeXml;
import java.util.Optional;

/** An OVF descriptor (VMware or oVirt): the mapper into the model, no disk files at hand. */
public final class OvfFuzzer {
    private OvfFuzzer() {}

    public static void fuzzerInitialize() {
        Inputs.warmUp(OvfFuzzer::fuzzerTestOneInput);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        Inputs.expectInputErrorsOnly(() -> OvfMapper.map(SafeXml.parse(Inputs.text(data), "fuzz.ovf"), "fuzz.ova",
                href -> Optional.empty()));
    }
}
