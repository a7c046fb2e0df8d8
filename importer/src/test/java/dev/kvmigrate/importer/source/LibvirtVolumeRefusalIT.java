package dev.kvmigrate.importer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.disk.DiskLocation;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.ProgressListener;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.sink.DirectorySink;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libvirt's test driver has no volume download at all: the sparse download is refused with VIR_ERR_NO_SUPPORT
 * (read through the JNA binding's virGetLastError), the plain fallback is tried and refused the same way, and the
 * import ends in a clear error with nothing written.
 */
class LibvirtVolumeRefusalIT {
    @TempDir Path tmp;

    @Test
    void aDriverWithoutDownloadFallsBackThenFailsClearly() throws Exception {
        Path node = tmp.resolve("node.xml");
        Files.writeString(node, """
                <node>
                  <pool type='dir'>
                    <name>images</name>
                    <capacity unit='GiB'>10</capacity><allocation>0</allocation><available unit='GiB'>10</available>
                    <target><path>/var/lib/images</path></target>
                    <volume type='file'>
                      <name>disk0.img</name>
                      <capacity unit='MiB'>1</capacity>
                      <target><path>/var/lib/images/disk0.img</path><format type='raw'/></target>
                    </volume>
                  </pool>
                </node>
                """);
        ImageSource source = ImageSources.open(new DiskLocation.LibvirtVolume("test://" + node, "images",
                "disk0.img"), ImageSources.Context.DEFAULT.withScratch(tmp.resolve("out")));
        assertThat(source).isInstanceOf(LibvirtRawVolumeSource.class);
        assertThatThrownBy(() -> Importer.run(new Importer.Job("d", source, new DirectorySink(tmp.resolve("out"), "d")),
                TransferSettings.defaults(), ProgressListener.NONE))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("volume download")
                .hasMessageContaining("not supported").hasMessageContaining("libvirt error "
                        + LibvirtStreams.VIR_ERR_NO_SUPPORT);
        assertThat(((LibvirtSource) source).counters().requests()).isZero();
        assertThat(tmp.resolve("out/d.img")).doesNotExist();
    }
}
