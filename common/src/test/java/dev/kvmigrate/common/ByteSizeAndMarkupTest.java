package dev.kvmigrate.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ByteSizeAndMarkupTest {
    @ParameterizedTest
    @CsvSource({"0, 0 B", "512, 512 B", "1024, 1 KiB", "1536, 1.5 KiB", "17179869184, 16 GiB",
        "1610612736, 1.5 GiB", "1099511627776, 1 TiB"})
    void humanSizes(long bytes, String expected) {
        assertThat(ByteSize.human(bytes)).isEqualTo(expected);
    }

    @Test
    void humanSizesReadAsTheFormatterWroteThemForManySizes() {
        java.util.Random rnd = new java.util.Random(42);
        for (int i = 0; i < 100_000; i++) {
            long bytes = rnd.nextLong() >>> (1 + rnd.nextInt(63)); // sizes are never negative
            double v = bytes;
            int unit = 0;
            while (v >= 1024 && unit < 6) {
                v /= 1024;
                unit++;
            }
            String formatted = v == Math.rint(v) ? String.valueOf((long) v)
                    : String.format(java.util.Locale.ROOT, "%.1f", v);
            assertThat(ByteSize.human(bytes)).as("%d bytes", bytes).startsWith(formatted + " ");
        }
    }

    @Test
    void escapesMarkupAndDropsForbiddenControls() {
        assertThat(Markup.escape("<a href=\"x\">Tom & Jerry's</a>\u0001\n"))
                .isEqualTo("&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;\n");
    }
}
