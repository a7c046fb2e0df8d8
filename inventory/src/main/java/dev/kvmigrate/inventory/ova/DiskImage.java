package dev.kvmigrate.inventory.ova;

import dev.kvmigrate.common.image.ImageInfo;
import dev.kvmigrate.inventory.model.DiskSource;
import java.util.Optional;

/**
 * A disk image file an OVF {@code <File>} points at: where it is, its length, and what its header says.
 *
 * @param source the importer's locator (an OVA entry, or a file of an unpacked OVA)
 * @param fileSize bytes of the file (compressed size for a compressed file)
 * @param info format and virtual size from the header, when it could be probed
 */
record DiskImage(DiskSource source, long fileSize, Optional<ImageInfo> info) {}
