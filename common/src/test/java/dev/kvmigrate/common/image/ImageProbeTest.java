package dev.kvmigrate.common.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;

/** What the probe says of VMDKs that would read other files, and of headers with absurd fields. */
class ImageProbeTest {
    private static ImageInfo probe(byte[] image) throws IOException {
        return ImageProbe.probe(new SeekableInMemoryByteChannel(image));
    }

    private static byte[] descriptor(String extents) {
        return ("# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n\n"
                + "# Extent description\n" + extents + "\n\n#DDB\nddb.adapterType = \"ide\"\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** A hosted sparse VMDK header of {@code capacity} sectors with the descriptor text at sector 1. */
    private static byte[] sparse(long capacity, String embedded) {
        ByteBuffer b = ByteBuffer.allocate(8 * 512).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, "KDMV".getBytes(StandardCharsets.US_ASCII)).putInt(4, 1).putLong(12, capacity).putLong(20, 128);
        if (embedded != null) {
            b.putLong(28, 1).putLong(36, 4).put(512, embedded.getBytes(StandardCharsets.US_ASCII));
        }
        return b.array();
    }

    @Test
    void aTextDescriptorIsNeverSelfContained() throws IOException {
        ImageInfo flat = probe(descriptor("RW 8 FLAT \"/etc/passwd\" 0"));
        assertThat(flat.format()).isEqualTo(ImageFormat.VMDK);
        assertThat(flat.externalFiles()).containsExactly("/etc/passwd");
        assertThat(flat.selfContained()).isFalse();
        assertThat(probe(descriptor("RW 2048 FLAT \"../../secret/secret.bin\" 0\nRDONLY 16 SPARSE \"b.vmdk\""))
                .externalFiles()).containsExactly("../../secret/secret.bin", "b.vmdk");
        // qemu's extent parser lets whitespace run across lines; whatever it finds, it is another file.
        assertThat(probe(descriptor("RW\n8\nFLAT\n\"/etc/passwd\" 0")).selfContained()).isFalse();
        assertThat(probe(descriptor("")).selfContained()).isFalse();
    }

    @Test
    void aSparseVmdkWithItsOwnExtentIsSelfContained() throws IOException {
        ImageInfo info = probe(sparse(2048, "# Disk DescriptorFile\nversion=1\ncreateType=\"monolithicSparse\"\n"
                + "RW 2048 SPARSE \"disk-renamed.vmdk\"\n"));
        assertThat(info.virtualSize()).contains(2048L * 512);
        assertThat(info.selfContained()).isTrue();
        assertThat(probe(sparse(2048, null)).selfContained()).isTrue();
    }

    @Test
    void aSparseHeaderThatDefersToItsDescriptorIsNotSelfContained() throws IOException {
        // Capacity 0 with a descriptor: qemu opens the descriptor's extents instead of this file.
        ImageInfo info = probe(sparse(0, "# Disk DescriptorFile\nversion=1\nRW 8 FLAT \"/etc/passwd\" 0\n"));
        assertThat(info.externalFiles()).containsExactly("/etc/passwd");
        assertThat(probe(sparse(0, "# Disk DescriptorFile\nversion=1\n")).selfContained()).isFalse();
        // An embedded descriptor naming a flat extent or several extents is refused too.
        assertThat(probe(sparse(2048, "RW 2048 FLAT \"/etc/passwd\" 0\n")).externalFiles())
                .containsExactly("/etc/passwd");
        assertThat(probe(sparse(2048, "RW 1024 SPARSE \"a.vmdk\"\nRW 1024 SPARSE \"b.vmdk\"\n")).selfContained())
                .isFalse();
    }

    @Test
    void absurdVmdkFieldsAreMalformedNotACrash() {
        assertThatThrownBy(() -> probe(sparse(Long.MAX_VALUE, null))).isInstanceOf(MalformedImageException.class)
                .hasMessageContaining("VMDK capacity of 9223372036854775807 sectors is out of range");
        assertThatThrownBy(() -> probe(sparse(-1, null))).isInstanceOf(MalformedImageException.class)
                .hasMessageContaining("out of range");
        byte[] farDescriptor = sparse(2048, "RW 2048 SPARSE \"x\"");
        ByteBuffer.wrap(farDescriptor).order(ByteOrder.LITTLE_ENDIAN).putLong(28, Long.MAX_VALUE / 256);
        assertThatThrownBy(() -> probe(farDescriptor)).isInstanceOf(MalformedImageException.class)
                .hasMessageContaining("embedded descriptor");
        assertThatThrownBy(() -> probe(descriptor("RW 99999999999999999999 FLAT \"x\" 0")))
                .isInstanceOf(MalformedImageException.class).hasMessageContaining("out of range");
    }

    @Test
    void aQcow2DataFileIsAnExternalFile() throws IOException {
        ByteBuffer h = ByteBuffer.allocate(4 * 65536);
        h.putInt(0, Qcow2Header.MAGIC).putInt(4, 3).putInt(20, 16).putLong(24, 1L << 20);
        h.putInt(36, 1).putLong(40, 3L * 65536).putLong(48, 65536).putInt(56, 1).putInt(96, 4).putInt(100, 112);
        h.putLong(72, Qcow2Header.EXTERNAL_DATA_FILE).putInt(112, 0x44415441).putInt(116, 11)
                .put(120, "/etc/passwd".getBytes(StandardCharsets.US_ASCII));
        ImageInfo info = probe(h.array());
        assertThat(info.format()).isEqualTo(ImageFormat.QCOW2);
        assertThat(info.externalFiles()).containsExactly("/etc/passwd");
        assertThat(info.selfContained()).isFalse();
    }
}
