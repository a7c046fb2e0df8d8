package dev.kvmigrate.inventory.ova;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The deployment configuration an OVF is read in (DSP0243 {@code DeploymentOptionSection}). An {@code Item} whose
 * {@code ovf:configuration} attribute lists configuration ids (space-separated) belongs to those configurations
 * only; an item without the attribute belongs to all. The configuration used is the one asked for, else the one
 * marked {@code ovf:default="true"}, else the first one listed (the standard's default). Range markers
 * ({@code ovf:bound="min"} / {@code "max"}) are not the VM's size and never apply; {@code "normal"} does.
 *
 * @param ids every configuration the OVF offers, in document order; empty when it has no DeploymentOptionSection
 * @param chosen the configuration used; empty when the OVF offers none
 * @param requested whether {@code chosen} was asked for, rather than the OVF's default
 */
record OvfDeployment(List<String> ids, Optional<String> chosen, boolean requested) {
    OvfDeployment {
        ids = List.copyOf(ids);
    }

    /**
     * The configuration of {@code envelope} to read: {@code requested} when given, which must be one the OVF offers
     * (else an INVALID_INPUT error listing them, naming {@code location}), otherwise the OVF's default.
     */
    static OvfDeployment of(XmlNode envelope, Optional<String> requested, String location) {
        List<String> ids = new ArrayList<>();
        Optional<String> marked = Optional.empty();
        for (XmlNode section : OvfMapper.sections(envelope, "DeploymentOptionSection")) {
            for (XmlNode c : section.children("Configuration")) {
                Optional<String> id = c.attr("id");
                if (id.isEmpty()) {
                    continue;
                }
                ids.add(id.get());
                if (marked.isEmpty() && c.attr("default").filter("true"::equalsIgnoreCase).isPresent()) {
                    marked = id;
                }
            }
        }
        if (requested.isPresent()) {
            if (!ids.contains(requested.get())) {
                throw KvMigrateException.invalidInput(location + ": --ovf-config " + requested.get() + " is not a"
                        + " deployment configuration of this OVF; "
                        + (ids.isEmpty() ? "it offers none (no DeploymentOptionSection): leave --ovf-config out"
                                : "it offers " + String.join(", ", ids)));
            }
            return new OvfDeployment(ids, requested, true);
        }
        return new OvfDeployment(ids, marked.or(() -> ids.stream().findFirst()), false);
    }

    /** Whether {@code item} is part of the VM in the chosen configuration. */
    boolean applies(XmlNode item) {
        String bound = item.attr("bound").orElse("normal");
        if (!bound.equalsIgnoreCase("normal")) {
            return false;
        }
        Optional<String> configurations = item.attr("configuration");
        if (configurations.isEmpty() || chosen.isEmpty()) {
            return true;
        }
        return Arrays.asList(configurations.get().trim().split("\\s+")).contains(chosen.get());
    }
}
