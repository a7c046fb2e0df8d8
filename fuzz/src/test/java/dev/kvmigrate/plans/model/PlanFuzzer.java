package dev.kvmigrate.plans.model;

import dev.kvmigrate.fuzz.Inputs;

/** A plan file (YAML): the strict reader, the plan model's checks and the plan schema. */
public final class PlanFuzzer {
    private PlanFuzzer() {}

    public static void fuzzerInitialize() {
        Inputs.warmUp(PlanFuzzer::fuzzerTestOneInput);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        Inputs.expectInputErrorsOnly(() -> PlanReader.parse(Inputs.text(data), "fuzz-plan.yaml"));
    }
}
