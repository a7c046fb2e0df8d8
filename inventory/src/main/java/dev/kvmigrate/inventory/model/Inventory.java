package dev.kvmigrate.inventory.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One scan of one source: the file users diff and commit.
 *
 * @param apiVersion always {@link #API_VERSION} when written by this version
 * @param kind always {@link #KIND}
 * @param source where the VMs came from
 * @param scannedAt ISO-8601 instant of the scan, when known
 * @param vms the VMs, in the order the source listed them
 */
public record Inventory(String apiVersion, String kind, SourceRef source, Optional<String> scannedAt, List<Vm> vms) {
    public static final String API_VERSION = "kv-migrate.dev/v1alpha3";
    public static final String KIND = "Inventory";

    public Inventory {
        apiVersion = Objects.requireNonNullElse(apiVersion, API_VERSION);
        kind = Objects.requireNonNullElse(kind, KIND);
        Objects.requireNonNull(source, "source");
        scannedAt = Objects.requireNonNullElse(scannedAt, Optional.empty());
        vms = List.copyOf(Objects.requireNonNullElse(vms, List.of()));
    }

    public static Inventory of(SourceRef source, Optional<String> scannedAt, List<Vm> vms) {
        return new Inventory(API_VERSION, KIND, source, scannedAt, vms);
    }

    /** The VM of that name, if this inventory has it. */
    public Optional<Vm> vm(String name) {
        return vms.stream().filter(vm -> vm.name().equals(name)).findFirst();
    }
}
