package dev.kvmigrate.converter.validate;

import dev.kvmigrate.fuzz.Inputs;
import java.util.ArrayList;
import java.util.List;

/** A manifest file handed to {@code validate}: the located YAML reader and every object rule. */
public final class ManifestFuzzer {
    private ManifestFuzzer() {}

    public static void fuzzerInitialize() {
        Inputs.warmUp(ManifestFuzzer::fuzzerTestOneInput);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        Inputs.expectInputErrorsOnly(() -> {
            ManifestReader.Result r = ManifestReader.read("fuzz.yaml", Inputs.text(data));
            List<Finding> earlier = new ArrayList<>();
            Validator.validateObjects(r.objects(), earlier, SchemaSet.of(List.of()), ClusterFacts.NONE);
        });
    }
}
