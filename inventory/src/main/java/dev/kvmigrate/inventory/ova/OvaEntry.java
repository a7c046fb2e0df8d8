package dev.kvmigrate.inventory.ova;

import java.util.OptionalLong;

/**
 * One regular file inside an OVA tar, as indexed without extracting it.
 *
 * @param name the member name, as the OVA member policy normalized it
 * @param size bytes of the member
 * @param dataOffset where its bytes start in the OVA file; empty for a gzip-wrapped OVA, which cannot be sliced
 * @param head the member's first bytes (at most {@link TarIndex#HEAD_BYTES}) when it cannot be sliced, for probing;
 *     empty when it is read in place
 */
record OvaEntry(String name, long size, OptionalLong dataOffset, byte[] head) {}
