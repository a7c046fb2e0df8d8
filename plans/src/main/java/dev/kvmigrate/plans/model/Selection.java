package dev.kvmigrate.plans.model;

import dev.kvmigrate.inventory.VmSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which VMs of the source the plan migrates; nothing selected means all.
 *
 * @param names exact VM names
 * @param globs shell globs ({@code cad-*})
 * @param ovirtSearch an oVirt engine search expression, for oVirt sources
 */
public record Selection(List<String> names, List<String> globs, Optional<String> ovirtSearch) {
    public static final Selection ALL = new Selection(List.of(), List.of(), Optional.empty());

    public Selection {
        names = List.copyOf(Objects.requireNonNullElse(names, List.of()));
        globs = List.copyOf(Objects.requireNonNullElse(globs, List.of()));
        ovirtSearch = Objects.requireNonNullElse(ovirtSearch, Optional.empty());
    }

    /** Names and globs as one selector; an exact name is a glob without wildcards. */
    public VmSelector selector() {
        List<String> all = new ArrayList<>(names);
        all.addAll(globs);
        return VmSelector.of(all);
    }
}
