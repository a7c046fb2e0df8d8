package dev.kvmigrate.importer.source;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.importer.transfer.BlockVisitor;
import dev.kvmigrate.importer.transfer.LogicalContent;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/**
 * A raw libvirt volume read with a sparse volume download ({@link LibvirtStreams}): the daemon sends the data and
 * announces the holes by length, so holes never cross the wire. As an {@link ExtentSource} its content reaches the
 * sinks as data and zero runs ({@link LibvirtStreamRuns}): the directory sink leaves holes unwritten (a sparse
 * file), the upload sink's encoder sends them as zero runs, not as bytes. A daemon that refuses the sparse flag
 * gets a plain download, zero-checked per block like any stream. The stream is received on a thread of its own while
 * this one checks, hashes and writes ({@link LibvirtSegments}, which can also use several streams).
 */
final class LibvirtRawVolumeSource extends LibvirtHandleSource implements ExtentSource {

    LibvirtRawVolumeSource(LibvirtVolumeHandle h) {
        super(h);
    }

    @Override
    public OptionalLong length() {
        return OptionalLong.of(h.capacity);
    }

    @Override
    public InputStream open() throws IOException {
        return LibvirtVolumeSource.plainStream(h);
    }

    @Override
    public LogicalContent content() {
        return new LogicalContent() {
            @Override
            public OptionalLong size() {
                return OptionalLong.of(h.capacity);
            }

            @Override
            public long accept(BlockVisitor visitor) throws IOException {
                LibvirtStreamRuns runs = new LibvirtStreamRuns(visitor);
                boolean sparse;
                try {
                    sparse = LibvirtSegments.download(h, LibvirtSegments.streamsFor(h.capacity), runs);
                } catch (LibvirtStreams.DownloadRefused e) {
                    throw LibvirtVolumeSource.refused(h, e);
                }
                h.counters.sparseUsed = sparse;
                if (sparse && runs.position() < h.capacity) {
                    // a trailing hole the stream did not announce
                    runs.hole(h.capacity - runs.position());
                }
                long n = runs.finish();
                if (n != h.capacity) {
                    throw new IOException(name() + ": the stream gave " + n + " bytes, the volume has " + h.capacity);
                }
                return n;
            }
        };
    }
}
