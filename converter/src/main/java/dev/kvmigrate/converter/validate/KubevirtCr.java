package dev.kvmigrate.converter.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeSet;

/** Reads the permitted device resource names out of a KubeVirt CR (or the admin merge patch, same shape). */
public final class KubevirtCr {
    private KubevirtCr() {}

    public static Set<String> permittedResources(JsonNode cr) {
        Set<String> names = new TreeSet<>();
        JsonNode permitted = cr.path("spec").path("configuration").path("permittedHostDevices");
        for (String list : new String[] {"pciHostDevices", "mediatedDevices", "usb"}) {
            for (JsonNode entry : permitted.path(list)) {
                String name = entry.path("resourceName").asText("");
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
