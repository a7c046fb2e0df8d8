package dev.kvmigrate.inventory.ova;

import java.util.OptionalLong;

/**
 * One regular file inside an OVA tar, as indexed without extracting it.
 *
 * @param name the member name, checked to be relative and free of {@code ..}
 * @param size bytes of the member
 * @param dataOffset where its bytes start in the OVA file; empty for a gzip-wrapped OVA, which cannot be sliced
 * @param head the member's first bytes (at most {@link TarIndex#HEAD_BYTES}), for probing when it cannot be sliced
 */
record OvaEntry(String name, long size, OptionalLong dataOffset, byte[] head) {}
