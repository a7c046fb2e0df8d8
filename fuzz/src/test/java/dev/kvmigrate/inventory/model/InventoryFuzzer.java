package dev.kvmigrate.inventory.model;

import dev.kvmigrate.fuzz.Inputs;
import java.io.ByteArrayInputStream;

/** An inventory file (JSON or YAML, current or previous format version). */
public final class InventoryFuzzer {
    private InventoryFuzzer() {}

    public static void fuzzerInitialize() {
        Inputs.warmUp(InventoryFuzzer::fuzzerTestOneInput);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        Inputs.expectInputErrorsOnly(() -> InventoryCodec.read(new ByteArrayInputStream(data), "fuzz.yaml"));
    }
}
