package dev.kvmigrate.importer.source;

import dev.kvmigrate.importer.transfer.LogicalContent;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/**
 * A qcow2 libvirt volume read as its guest's raw bytes, for a directory target, with no temporary file: the Java
 * qcow2 reader ({@link Qcow2RawSource}, same checks and refusals as for local files) reads the stored qcow2 bytes
 * through {@link LibvirtVolumeChannel}, random access made of ranged {@code virStorageVolDownload(offset, length)}
 * calls with a read-ahead window cache. Chosen over a sparse scratch copy because ranged downloads work over every
 * URI the daemon serves (qemu+ssh included), fetch only the header, the L1/L2 tables and allocated clusters (never
 * the guest's unallocated ranges), need no free space beside the target and no second pass: unallocated and zero
 * clusters are zero runs, never read, and the directory sink leaves them as holes. The result equals
 * {@code qemu-img convert -O raw} of the volume for what the reader accepts; compressed clusters, encryption,
 * backing or data files are refused as for local files.
 */
final class LibvirtQcow2VolumeSource extends LibvirtHandleSource implements ExtentSource {
    private final Qcow2RawSource qcow2;

    private LibvirtQcow2VolumeSource(LibvirtVolumeHandle h, Qcow2RawSource qcow2) {
        super(h);
        this.qcow2 = qcow2;
    }

    /**
     * Reads the volume's qcow2 header and L1 table through {@code stored}: ranged downloads
     * ({@link LibvirtVolumeChannel}), or the file itself when the daemon is local ({@link LibvirtLocalFile}).
     */
    static LibvirtQcow2VolumeSource open(LibvirtVolumeHandle h, Qcow2RawSource.ChannelOpener stored) {
        Qcow2RawSource q = Qcow2RawSource.open("libvirt:" + h.describe, DiskNames.fromFileName(h.volumeName),
                stored);
        return new LibvirtQcow2VolumeSource(h, q);
    }

    @Override
    public String name() {
        return qcow2.name();
    }

    @Override
    public String diskName() {
        return qcow2.diskName();
    }

    @Override
    public OptionalLong length() {
        return qcow2.length();
    }

    @Override
    public InputStream open() throws IOException {
        return qcow2.open();
    }

    @Override
    public LogicalContent content() {
        return qcow2.content();
    }
}
