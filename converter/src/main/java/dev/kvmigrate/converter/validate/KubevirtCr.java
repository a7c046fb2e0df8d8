package dev.kvmigrate.converter.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvmigrate.converter.gpu.ClusterGpus;
import java.util.Set;

/** Reads the permitted device resource names out of a KubeVirt CR (or the admin merge patch, same shape). */
public final class KubevirtCr {
    private KubevirtCr() {}

    /** The {@code resourceName}s of {@code spec.configuration.permittedHostDevices}, sorted. */
    public static Set<String> permittedResources(JsonNode cr) {
        return ClusterGpus.fromKubevirtCr(cr).permittedResources();
    }
}
