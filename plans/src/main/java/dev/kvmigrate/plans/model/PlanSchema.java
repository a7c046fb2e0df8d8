package dev.kvmigrate.plans.model;

import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The JSON schema of plan files (draft-07), kept beside {@link MigrationPlan} and tested against the reader. */
public final class PlanSchema {
    private PlanSchema() {}

    public static String json() {
        try (InputStream in = PlanSchema.class.getResourceAsStream("plan-schema.json")) {
            if (in == null) {
                throw new KvMigrateException(dev.kvmigrate.common.ExitCode.INTERNAL,
                        "plan-schema.json is missing from the kv-migrate jar; rebuild it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
