package dev.kvmigrate.converter.mapping;

import dev.kvmigrate.fuzz.Inputs;

/** A mappings file (YAML): networks, storage, GPU and host-device names, instancetypes. */
public final class MappingsFuzzer {
    private MappingsFuzzer() {}

    public static void fuzzerInitialize() {
        Inputs.warmUp(MappingsFuzzer::fuzzerTestOneInput);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        Inputs.expectInputErrorsOnly(() -> MappingsReader.parse(Inputs.text(data), "fuzz-mappings.yaml"));
    }
}
