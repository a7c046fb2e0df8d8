package dev.kvmigrate.importer.source;

/** A source read through a libvirt daemon's volume download: its stream counters, for progress and tests. */
public interface LibvirtSource extends FinishingSource {
    LibvirtStreams.Counters counters();
}
