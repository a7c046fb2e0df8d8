package dev.kvmigrate.importer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.importer.Importer;
import dev.kvmigrate.importer.ProgressListener;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.sink.DirectorySink;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against libvirt's test driver. That driver does not implement virStorageVolDownload (checked with virsh
 * vol-download on libvirt 9.0), so what can be shown here is the lookup, the size, and that the unsupported
 * download ends in a clear error with nothing written — not a byte-identical copy.
 */
class LibvirtVolumeSourceIT {
    @TempDir Path tmp;

    @Test
    void aMissingVolumeNamesThePoolAndHowToList() {
        assertThatThrownBy(() -> new LibvirtVolumeSource("test:///default", "default-pool", "nope.img"))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("no volume nope.img")
                .hasMessageContaining("virsh vol-list default-pool");
    }

    @Test
    void unreachableUriIsSourceUnreachable() {
        assertThatThrownBy(() -> new LibvirtVolumeSource("test:///" + tmp.resolve("missing.xml"), "p", "v"))
                .isInstanceOf(KvMigrateException.class)
                .satisfies(e -> assertThat(((KvMigrateException) e).exitCode().code()).isEqualTo(4));
    }

    @Test
    void downloadOnTheTestDriverIsAClearFailureNotAFalseSuccess() throws Exception {
        Path node = tmp.resolve("node.xml");
        java.nio.file.Files.writeString(node, """
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
        LibvirtVolumeSource source = new LibvirtVolumeSource("test://" + node, "images", "disk0.img");
        assertThat(source.length()).hasValue(1L << 20);
        assertThat(source.diskName()).isEqualTo("disk0");
        assertThatThrownBy(() -> Importer.run(new Importer.Job("d", source, new DirectorySink(tmp.resolve("out"), "d")),
                TransferSettings.defaults(), ProgressListener.NONE))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("volume download")
                .hasMessageContaining("not supported");
        assertThat(tmp.resolve("out/d.img")).doesNotExist();
    }
}
