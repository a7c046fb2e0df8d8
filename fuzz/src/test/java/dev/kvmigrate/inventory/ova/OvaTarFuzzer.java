package dev.kvmigrate.inventory.ova;

import dev.kvmigrate.fuzz.Inputs;
import dev.kvmigrate.inventory.VmSelector;

/** A whole OVA file (plain or gzip tar): the scan's one pass over members, descriptors and image headers. */
public final class OvaTarFuzzer {
    private OvaTarFuzzer() {}

    public static void fuzzerInitialize() {
        Inputs.warmUp(OvaTarFuzzer::fuzzerTestOneInput);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        Inputs.expectInputErrorsOnly(() -> {
            try (OvaSource s = OvaSource.open(Inputs.file(data, ".ova"))) {
                s.scan(VmSelector.ALL);
            }
        });
    }
}
