package dev.kvmigrate.importer.source;

/**
 * What every source read through one libvirt volume handle shares: its name ({@code libvirt:URI#pool/volume}), the
 * disk name from the volume's file name, the handle's stream counters, and closing the handle (and any transient
 * pool it made) when the import ends.
 */
abstract class LibvirtHandleSource implements LibvirtSource {
    final LibvirtVolumeHandle h;

    LibvirtHandleSource(LibvirtVolumeHandle h) {
        this.h = h;
    }

    @Override
    public String name() {
        return "libvirt:" + h.describe;
    }

    @Override
    public String diskName() {
        return DiskNames.fromFileName(h.volumeName);
    }

    @Override
    public final LibvirtStreams.Counters counters() {
        return h.counters;
    }

    @Override
    public final void finish(boolean succeeded) {
        h.close();
    }
}
