package dev.kvmigrate.importer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import okio.Buffer;
import okio.Okio;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;

class PooledOkioWritesTest {
    @Test
    void largeWritesReachOkioInPiecesItsSegmentPoolCovers() throws IOException {
        List<Integer> pieces = new ArrayList<>();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        OutputStream recording = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("single-byte write");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                pieces.add(len);
                seen.write(b, off, len);
            }
        };
        byte[] data = new byte[128 * 1024 + 5];
        new Random(7).nextBytes(data);
        OutputStream pooled = CdiUploadSink.pooled(recording);
        pooled.write(data, 3, data.length - 3);
        pooled.write(data, 0, 3);

        assertThat(pieces).allSatisfy(n -> assertThat(n).isBetween(1, CdiUploadSink.OKIO_WRITE));
        assertThat(pieces).containsExactly(32768, 32768, 32768, 32768, 2, 3);
        byte[] expected = new byte[data.length];
        System.arraycopy(data, 3, expected, 0, data.length - 3);
        System.arraycopy(data, 0, expected, data.length - 3, 3);
        assertThat(seen.toByteArray()).isEqualTo(expected);
    }

    @Test
    void throughARealOkioSinkTheBytesArriveUnchanged() throws IOException {
        Buffer target = new Buffer();
        BufferedSink sink = Okio.buffer((okio.Sink) target);
        byte[] data = new byte[1 << 20];
        new Random(11).nextBytes(data);
        OutputStream pooled = CdiUploadSink.pooled(sink.outputStream());
        pooled.write(data, 0, data.length);
        pooled.flush();
        assertThat(target.readByteArray()).isEqualTo(data);
    }
}
