package dev.kvmigrate.importer.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.kvmigrate.importer.format.ZeroBlocks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WireEncoderTest {
    /** A disk of data and zero runs (block-aligned, last run short), fed through a visitor. */
    static byte[] feed(BlockVisitor v, long seed) throws IOException {
        Random rnd = new Random(seed);
        ByteArrayOutputStream disk = new ByteArrayOutputStream();
        long pos = 0;
        for (int i = 0; i < 12; i++) {
            boolean data = rnd.nextBoolean();
            int blocks = 1 + rnd.nextInt(5);
            int len = i == 11 ? blocks * ZeroBlocks.BLOCK - 1000 : blocks * ZeroBlocks.BLOCK;
            if (data) {
                byte[] b = new byte[len];
                rnd.nextBytes(b);
                v.data(pos, b, 0, len);
                disk.write(b);
            } else {
                v.zeros(pos, len);
                disk.write(new byte[len]);
            }
            pos += len;
        }
        return disk.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(WireEncoding.class)
    void everyEncodingDecodesToTheDiskWithStandardDecoders(WireEncoding encoding) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        WireEncoder e = new WireEncoder(encoding, wire);
        byte[] disk = feed(e, 3);
        e.finish();
        InputStream in = new ByteArrayInputStream(wire.toByteArray());
        InputStream decoded = switch (encoding) {
            case RAW -> in;
            case GZIP -> new GZIPInputStream(in);
            case ZSTD, ZSTD_SPARSE, ZSTD_ADAPTIVE -> new ZstdInputStreamNoFinalizer(in);
        };
        assertThat(decoded.readAllBytes()).isEqualTo(disk);
        if (encoding == WireEncoding.ZSTD_SPARSE || encoding == WireEncoding.ZSTD_ADAPTIVE) {
            assertThat((long) wire.size()).isLessThan(disk.length);
        }
    }

    @ParameterizedTest
    @EnumSource(Checksum.class)
    void digestDependsOnContentNotOnHowZerosArrive(Checksum checksum) throws Exception {
        ContentDigest a = checksum.start();
        byte[] disk = feed(a, 9);
        ContentDigest b = checksum.start();
        for (int at = 0; at < disk.length; at += ZeroBlocks.BLOCK) {
            b.data(at, disk, at, Math.min(ZeroBlocks.BLOCK, disk.length - at)); // zero blocks fed as data
        }
        assertThat(a.finish()).isEqualTo(b.finish());
        if (checksum == Checksum.SHA256) {
            assertThat(a.finish()).isEqualTo("sha256:" + java.util.HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(disk)));
        }
        ContentDigest c = checksum.start();
        disk[disk.length / 2] ^= 1;
        c.data(0, disk, 0, disk.length);
        assertThat(c.finish()).isNotEqualTo(a.finish());
    }
}
