package dev.kvmigrate.common.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The qcow2 header checks, on headers built field by field (the layout of QEMU's docs/interop/qcow2.txt). */
class Qcow2HeaderTest {
    private static final int CLUSTER = 65536;

    /** A v3 image of 4 MiB with 64 KiB clusters, as qemu-img creates it: refcount table, then L1 table. */
    private static ByteBuffer good() {
        ByteBuffer h = ByteBuffer.allocate(4 * CLUSTER);
        h.putInt(0, Qcow2Header.MAGIC).putInt(4, 3).putInt(20, 16).putLong(24, 4L << 20);
        h.putInt(36, 1).putLong(40, 3L * CLUSTER).putLong(48, CLUSTER).putInt(56, 1);
        h.putInt(96, 4).putInt(100, 112);
        h.putInt(112, 0); // end of extensions
        return h;
    }

    private static Qcow2Header read(ByteBuffer h) throws IOException {
        return Qcow2Header.read(new SeekableInMemoryByteChannel(h.array()));
    }

    private static Qcow2Header read(Consumer<ByteBuffer> change) throws IOException {
        ByteBuffer h = good();
        change.accept(h);
        return read(h);
    }

    private static void extension(ByteBuffer h, int at, int type, String data) {
        byte[] b = data.getBytes(StandardCharsets.UTF_8);
        h.putInt(at, type).putInt(at + 4, b.length).put(at + 8, b);
    }

    @Test
    void aPlainImageIsReadAndSelfContained() throws IOException {
        Qcow2Header q = read(good());
        assertThat(q.version()).isEqualTo(3);
        assertThat(q.clusterSize()).isEqualTo(CLUSTER);
        assertThat(q.virtualSize()).isEqualTo(4L << 20);
        assertThat(q.l1EntriesInUse()).isEqualTo(1);
        assertThat(q.selfContained()).isTrue();
    }

    @Test
    void knownExtensionsAreWalkedPast() throws IOException {
        Qcow2Header q = read(h -> {
            extension(h, 112, 0x6803f857, "feature names, any text");
            extension(h, 112 + 8 + 24, 0x23852875, "bitmaps.");
        });
        assertThat(q.selfContained()).isTrue();
    }

    @Test
    void anExternalDataFileIsReportedByName() throws IOException {
        Qcow2Header q = read(h -> {
            h.putLong(72, Qcow2Header.EXTERNAL_DATA_FILE);
            extension(h, 112, 0x44415441, "/etc/passwd");
        });
        assertThat(q.dataFile()).contains("/etc/passwd");
        assertThat(q.selfContained()).isFalse();
    }

    @Test
    void theDataFileBitAloneOrTheExtensionAloneStillMeansAnotherFile() throws IOException {
        assertThat(read(h -> h.putLong(72, Qcow2Header.EXTERNAL_DATA_FILE)).dataFile()).isPresent();
        assertThat(read(h -> extension(h, 112, 0x44415441, "/srv/x.bin")).dataFile()).contains("/srv/x.bin");
    }

    @Test
    void aBackingFileIsReportedByName() throws IOException {
        Qcow2Header q = read(h -> {
            h.putLong(8, 512).putInt(16, 11).put(512, "/etc/passwd".getBytes(StandardCharsets.US_ASCII));
        });
        assertThat(q.backingFile()).contains("/etc/passwd");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        unknown incompatible bit       | unknown incompatible feature bits 0x20
        corrupt bit                    | marked corrupt
        unknown header extension       | extension 0x12345678 is unknown
        extension past the cluster     | runs past the header
        version 1                      | version 1
        version 4                      | version 4 is not 2 or 3
        cluster bits 8                 | cluster bits 8 out of range
        cluster bits 22                | cluster bits 22 out of range
        cluster bits 31                | cluster bits 31 out of range
        negative virtual size          | virtual size 18446744073709551615 is out of range
        virtual size 2^62              | virtual size 4611686018427387904 is out of range
        L1 of 2^28 entries             | L1 table of 268435456 entries is too large
        L1 of 2^32-1 entries           | L1 table of 4294967295 entries is too large
        L1 offset negative             | L1 table offset 18446744073709547520 is invalid
        L1 offset unaligned            | L1 table offset 196616 is invalid
        L1 too small for the size      | L1 table of 1 entries is too small
        refcount table unaligned       | refcount table offset 4096 is invalid
        no refcount table              | refcount table of 0 clusters
        header length past the cluster | header length 65544 out of range
        encryption method 7            | encryption method 7 is unknown
        backing name outside cluster   | lies outside the first cluster
        too many snapshots             | snapshots is more than 65536
        truncated header               | qcow2 header truncated
        """)
    void malformedHeadersAreRefusedNamingTheField(String what, String message) {
        ByteBuffer h = good();
        switch (what) {
            case "unknown incompatible bit" -> h.putLong(72, 1L << 5);
            case "corrupt bit" -> h.putLong(72, Qcow2Header.CORRUPT);
            case "unknown header extension" -> extension(h, 112, 0x12345678, "?");
            case "extension past the cluster" -> h.putInt(112, 0x6803f857).putInt(116, CLUSTER);
            case "version 1" -> h.putInt(4, 1);
            case "version 4" -> h.putInt(4, 4);
            case "cluster bits 8" -> h.putInt(20, 8);
            case "cluster bits 22" -> h.putInt(20, 22);
            case "cluster bits 31" -> h.putInt(20, 31);
            case "negative virtual size" -> h.putLong(24, -1);
            case "virtual size 2^62" -> h.putLong(24, 1L << 62);
            case "L1 of 2^28 entries" -> h.putInt(36, 1 << 28);
            case "L1 of 2^32-1 entries" -> h.putInt(36, -1);
            case "L1 offset negative" -> h.putLong(40, -4096);
            case "L1 offset unaligned" -> h.putLong(40, 3L * CLUSTER + 8);
            case "L1 too small for the size" -> h.putLong(24, 1L << 40);
            case "refcount table unaligned" -> h.putLong(48, 4096);
            case "no refcount table" -> h.putInt(56, 0);
            case "header length past the cluster" -> h.putInt(100, CLUSTER + 8);
            case "encryption method 7" -> h.putInt(32, 7);
            case "backing name outside cluster" -> h.putLong(8, CLUSTER - 4).putInt(16, 100);
            case "too many snapshots" -> h.putInt(60, 70000).putLong(64, CLUSTER);
            case "truncated header" -> {
                assertThatThrownBy(() -> Qcow2Header.read(new SeekableInMemoryByteChannel(
                        java.util.Arrays.copyOf(h.array(), 40)))).isInstanceOf(MalformedImageException.class)
                        .hasMessageContaining(message);
                return;
            }
            default -> throw new IllegalArgumentException(what);
        }
        assertThatThrownBy(() -> read(h)).isInstanceOf(MalformedImageException.class)
                .hasMessageContaining(message);
    }

    @Test
    void clusterBits21IsAllowedWhenTheTablesFitIt() throws IOException {
        int big = 1 << 21;
        ByteBuffer h = ByteBuffer.allocate(4 * big);
        h.putInt(0, Qcow2Header.MAGIC).putInt(4, 3).putInt(20, 21).putLong(24, 4L << 20);
        h.putInt(36, 1).putLong(40, 3L * big).putLong(48, big).putInt(56, 1);
        h.putInt(96, 4).putInt(100, 112);
        assertThat(read(h).clusterSize()).isEqualTo(big);
    }

    @Test
    void theL1EntriesInUseAreBoundedByTheVirtualSize() throws IOException {
        // A table of 4 Mi entries for a 4 MiB disk: one entry is ever needed.
        assertThat(read(h -> h.putInt(36, 4 << 20)).l1EntriesInUse()).isEqualTo(1);
        assertThat(Qcow2Header.l1EntriesFor(0, 16, false)).isZero();
        assertThat(Qcow2Header.l1EntriesFor(512L << 20, 16, false)).isEqualTo(1);
        assertThat(Qcow2Header.l1EntriesFor((512L << 20) + 1, 16, false)).isEqualTo(2);
        assertThat(Qcow2Header.l1EntriesFor(256L << 20, 16, true)).isEqualTo(1);
        assertThat(Qcow2Header.l1EntriesFor((256L << 20) + 1, 16, true)).isEqualTo(2);
    }
}
