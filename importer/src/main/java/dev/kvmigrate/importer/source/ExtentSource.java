package dev.kvmigrate.importer.source;

import dev.kvmigrate.importer.transfer.LogicalContent;

/**
 * A source that serves a disk's guest-visible raw bytes and knows which ranges hold data (oVirt imageio's
 * extents, libvirt's sparse stream, a qcow2 image's L2 tables): its content is read by ranges and zero ranges are
 * never fetched.
 */
public interface ExtentSource extends ImageSource {
    LogicalContent content();
}
