package dev.kvmigrate.plans.model;

import dev.kvmigrate.converter.mapping.Mappings;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A plan file: what to migrate, where, with which mappings and options. Read with {@link PlanReader}; its JSON
 * schema is {@code kv-migrate plan schema}.
 *
 * @param mappings the converter's {@link Mappings}, embedded as they are in {@code mappings.yaml}
 * @param overrides per source VM name
 */
public record MigrationPlan(String apiVersion, String kind, Metadata metadata, PlanSource source, PlanTarget target,
        Selection vms, Mappings mappings, PlanOptions options, Hooks hooks, Map<String, VmOverride> overrides) {
    public static final String API_VERSION = "kv-migrate.dev/v1alpha1";
    public static final String KIND = "MigrationPlan";

    /** The plan's name: labels objects ({@code kv-migrate.dev/plan}) and names the report. */
    public record Metadata(String name) {
        public Metadata {
            Objects.requireNonNull(name, "metadata.name is required");
            if (!name.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
                throw new IllegalArgumentException("metadata.name '" + name + "' must be an RFC 1123 label (it"
                        + " becomes a Kubernetes label value): lower-case letters, digits and '-'");
            }
        }
    }

    public MigrationPlan {
        if (!API_VERSION.equals(apiVersion)) {
            throw new IllegalArgumentException("apiVersion must be " + API_VERSION + ", got " + apiVersion);
        }
        if (!KIND.equals(kind)) {
            throw new IllegalArgumentException("kind must be " + KIND + ", got " + kind);
        }
        Objects.requireNonNull(metadata, "metadata (with name) is required");
        Objects.requireNonNull(source, "source is required");
        Objects.requireNonNull(target, "target is required");
        vms = Objects.requireNonNullElse(vms, Selection.ALL);
        mappings = Objects.requireNonNullElse(mappings, Mappings.NONE);
        options = Objects.requireNonNullElse(options, PlanOptions.DEFAULTS);
        hooks = Objects.requireNonNullElse(hooks, Hooks.NONE);
        overrides = Map.copyOf(new TreeMap<>(Objects.requireNonNullElse(overrides, Map.of())));
        if (vms.ovirtSearch().isPresent() && source.kind() != PlanSource.Kind.OVIRT) {
            throw new IllegalArgumentException("vms.ovirtSearch needs an ovirt source");
        }
    }

    public String name() {
        return metadata.name();
    }

    public VmOverride overrideFor(String vm) {
        return overrides.getOrDefault(vm, VmOverride.NONE);
    }
}
