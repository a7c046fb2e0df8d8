package dev.kvmigrate.importer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.importer.standin.TestImages;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qcow2 read as raw in Java gives exactly the bytes qemu-img holds as the guest disk (v2 and v3 images). */
class Qcow2RawSourceIT {
    @TempDir
    Path tmp;

    @Test
    void guestBytesMatchTheRawImageForBothVersions() throws Exception {
        // 40 MiB + 4 KiB: a last cluster cut short, holes, data.
        Path raw = TestImages.sparseRaw(tmp.resolve("d.raw"), 40L * 1024 * 1024 + 4096, 0.3, 5);
        Path v3 = TestImages.convert(raw, "qcow2", tmp.resolve("v3.qcow2"));
        Path v2 = tmp.resolve("v2.qcow2");
        TestImages.run("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", "-o", "compat=0.10,cluster_size=4096",
                raw.toString(), v2.toString());
        String expected = sha(Files.newInputStream(raw));
        for (Path q : new Path[] {v3, v2}) {
            Qcow2RawSource s = Qcow2RawSource.open(q);
            assertThat(s.length()).hasValue(Files.size(raw));
            assertThat(sha(s.open())).as(q.toString()).isEqualTo(expected);
        }
        // A different image reads differently: the comparison can fail.
        Path other = TestImages.convert(TestImages.sparseRaw(tmp.resolve("o.raw"), Files.size(raw), 0.3, 6),
                "qcow2", tmp.resolve("o.qcow2"));
        assertThat(sha(Qcow2RawSource.open(other).open())).isNotEqualTo(expected);
    }

    @Test
    void contentReadsOnlyAllocatedClustersAndEqualsTheRawImage() throws Exception {
        // 64 MiB + 4 KiB with 20 % data, v3 (64 KiB clusters) and v2 with 4 KiB clusters, and a v3 image whose zeros
        // were written as zero clusters (the zero flag, no host cluster)
        Path raw = TestImages.sparseRaw(tmp.resolve("e.raw"), 64L * 1024 * 1024 + 4096, 0.2, 11);
        Path v3 = TestImages.convert(raw, "qcow2", tmp.resolve("e3.qcow2"));
        Path v2 = tmp.resolve("e2.qcow2");
        TestImages.run("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", "-o", "compat=0.10,cluster_size=4096",
                raw.toString(), v2.toString());
        Path zeroFlag = tmp.resolve("ez.qcow2");
        TestImages.run("qemu-img", "create", "-q", "-f", "qcow2", zeroFlag.toString(), String.valueOf(Files.size(raw)));
        TestImages.run("qemu-io", "-c", "write -z 0 8M", "-c", "write -P 7 1M 64k", zeroFlag.toString());
        String expected = sha(Files.newInputStream(raw));
        for (Path q : new Path[] {v3, v2}) {
            long[] read = {0};
            Qcow2RawSource s = Qcow2RawSource.open(q.toString(), "d", () -> counting(q, read));
            long[] visited = new long[2];
            assertThat(sha(s.content(), visited)).as(q.toString()).isEqualTo(expected);
            assertThat(visited[0] + visited[1]).isEqualTo(Files.size(raw));
            assertThat(read[0]).as("bytes read of " + q).isLessThanOrEqualTo(Files.size(q))
                    .isLessThan(Files.size(raw) / 3);
            assertThat(visited[1]).as("zero bytes handed on as runs").isGreaterThan(Files.size(raw) / 2);
        }
        long[] visited = new long[2];
        Qcow2RawSource z = Qcow2RawSource.open(zeroFlag);
        assertThat(sha(z.content(), visited)).isEqualTo(sha(z.open()));
        assertThat(visited[0]).as("only the 64 KiB written with a pattern is data").isEqualTo(65536);
        // the same walk refuses what the reader cannot read
        Path text = tmp.resolve("ct.raw");
        Files.write(text, "compressible text ".repeat(1 << 18).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Path compressed = tmp.resolve("ct.qcow2");
        TestImages.run("qemu-img", "convert", "-q", "-c", "-f", "raw", "-O", "qcow2", text.toString(),
                compressed.toString());
        assertThatThrownBy(() -> sha(Qcow2RawSource.open(compressed).content(), new long[2]))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("compressed clusters");
    }

    private static java.nio.channels.SeekableByteChannel counting(Path file, long[] read) throws java.io.IOException {
        java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file);
        return new java.nio.channels.SeekableByteChannel() {
            @Override
            public int read(java.nio.ByteBuffer dst) throws java.io.IOException {
                int n = ch.read(dst);
                read[0] += Math.max(0, n);
                return n;
            }

            @Override
            public int write(java.nio.ByteBuffer src) {
                throw new UnsupportedOperationException();
            }

            @Override
            public long position() throws java.io.IOException {
                return ch.position();
            }

            @Override
            public java.nio.channels.SeekableByteChannel position(long p) throws java.io.IOException {
                ch.position(p);
                return this;
            }

            @Override
            public long size() throws java.io.IOException {
                return ch.size();
            }

            @Override
            public java.nio.channels.SeekableByteChannel truncate(long size) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isOpen() {
                return ch.isOpen();
            }

            @Override
            public void close() throws java.io.IOException {
                ch.close();
            }
        };
    }

    /** SHA-256 of the content as the guest sees it; visited[0] data bytes, visited[1] zero bytes. */
    private static String sha(dev.kvmigrate.importer.transfer.LogicalContent c, long[] visited) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] zeros = new byte[65536];
        long[] next = {0};
        c.accept(new dev.kvmigrate.importer.transfer.BlockVisitor() {
            @Override
            public void data(long offset, byte[] buf, int off, int len) {
                assertThat(offset).isEqualTo(next[0]);
                md.update(buf, off, len);
                visited[0] += len;
                next[0] += len;
            }

            @Override
            public void zeros(long offset, long length) {
                assertThat(offset).isEqualTo(next[0]);
                for (long left = length; left > 0; left -= zeros.length) {
                    md.update(zeros, 0, (int) Math.min(zeros.length, left));
                }
                visited[1] += length;
                next[0] += length;
            }
        });
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void imagesThatNeedQemuImgAreRefusedByName() throws Exception {
        Path raw = tmp.resolve("c.raw");
        Files.write(raw, "compressible text ".repeat(1 << 18).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Path compressed = tmp.resolve("c.qcow2");
        TestImages.run("qemu-img", "convert", "-q", "-c", "-f", "raw", "-O", "qcow2", raw.toString(),
                compressed.toString());
        assertThatThrownBy(() -> sha(Qcow2RawSource.open(compressed).open()))
                .isInstanceOf(KvMigrateException.class).hasMessageContaining("compressed clusters")
                .hasMessageContaining("qemu-img");
        Path overlay = tmp.resolve("overlay.qcow2");
        Path base = TestImages.convert(raw, "qcow2", tmp.resolve("base.qcow2"));
        TestImages.run("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", base.toString(),
                overlay.toString());
        assertThatThrownBy(() -> Qcow2RawSource.open(overlay)).hasMessageContaining("a backing file");
        assertThatThrownBy(() -> Qcow2RawSource.open(raw)).hasMessageContaining("is not qcow2");
    }

    @Test
    void openIfReadableTakesWhatItReadsWholeAndLeavesTheRest() throws Exception {
        Path raw = TestImages.sparseRaw(tmp.resolve("r.raw"), 8L * 1024 * 1024 + 4096, 0.4, 7);
        Path plain = TestImages.convert(raw, "qcow2", tmp.resolve("plain.qcow2"));
        assertThat(Qcow2RawSource.openIfReadable(plain)).hasValueSatisfying(s -> assertThat(s.length())
                .hasValue(8L * 1024 * 1024 + 4096));
        Path text = tmp.resolve("t.raw");
        Files.write(text, "compressible text ".repeat(1 << 18).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Path compressed = tmp.resolve("t.qcow2");
        TestImages.run("qemu-img", "convert", "-q", "-c", "-f", "raw", "-O", "qcow2", text.toString(),
                compressed.toString());
        assertThat(Qcow2RawSource.openIfReadable(compressed)).as("compressed clusters, found before reading")
                .isEmpty();
        Path overlay = tmp.resolve("ov.qcow2");
        TestImages.run("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", plain.toString(),
                overlay.toString());
        assertThat(Qcow2RawSource.openIfReadable(overlay)).isEmpty();
        assertThat(Qcow2RawSource.openIfReadable(raw)).isEmpty();
        // a data cluster pointing past the end of the file: the stored bytes go, and the receiver decides
        Path cut = tmp.resolve("cut.qcow2");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(plain), (int) Files.size(plain) - 65536));
        assertThat(Qcow2RawSource.openIfReadable(cut)).isEmpty();
    }

    private static String sha(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] b = new byte[65536];
            int r;
            while ((r = in.read(b)) > 0) {
                md.update(b, 0, r);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
