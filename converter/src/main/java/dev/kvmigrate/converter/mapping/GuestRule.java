package dev.kvmigrate.converter.mapping;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the mappings say about a guest ({@code guests} entry, keyed by source VM name or a {@code *}/{@code ?} glob).
 *
 * @param virtioDrivers the guest has virtio drivers (virtio-win on Windows, virtio modules in a Linux initramfs), so
 *     it gets virtio disks and NICs even when it is Windows or comes from VMware; required
 */
public record GuestRule(@JsonProperty("virtioDrivers") Boolean virtioDrivers) {
    public GuestRule {
        if (virtioDrivers == null) {
            throw new IllegalArgumentException("a guests entry has no virtioDrivers; give 'virtioDrivers: true' once"
                    + " the guest has virtio drivers (virtio-win), or 'false'");
        }
    }
}
