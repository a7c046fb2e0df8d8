package dev.kvmigrate.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantitiesTest {
    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource(delimiter = '|', value = {
        "0                    | 0",
        "1                    | 1",
        "4096                 | 4096",
        "007                  | 7",
        "+5                   | 5",
        "' 20Gi '             | 21474836480",
        "1k                   | 1000",
        "1M                   | 1000000",
        "1G                   | 1000000000",
        "1T                   | 1000000000000",
        "1P                   | 1000000000000000",
        "1E                   | 1000000000000000000",
        "1Ki                  | 1024",
        "1Mi                  | 1048576",
        "1Gi                  | 1073741824",
        "1Ti                  | 1099511627776",
        "1Pi                  | 1125899906842624",
        "1Ei                  | 1152921504606846976",
        "100M                 | 100000000",
        "100Mi                | 104857600",
        "1.5Gi                | 1610612736",
        "1.5G                 | 1500000000",
        "0.5Ki                | 512",
        "0.1k                 | 100",
        "1.0                  | 1",
        // not a whole number of bytes: rounded up
        "1.1                  | 2",
        "0.001k               | 1",
        "0.0001k              | 1",
        "1.0000001Ki          | 1025",
        // the edges of a long
        "9223372036854775807  | 9223372036854775807",
        "9.223372036854775807E | 9223372036854775807",
        "7Ei                  | 8070450532247928832",
        "7.99999999999999999913Ei | 9223372036854775807",
    })
    void sizes(String text, long bytes) {
        assertThat(Quantities.bytes(text, "--size")).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "{0} = {1} bytes/s")
    @CsvSource(delimiter = '|', value = {
        "100M      | 100000000",
        "100M/s    | 100000000",
        "100Mi     | 104857600",
        "100Mi/s   | 104857600",
        "' 1.5Gi/s ' | 1610612736",
        "800k      | 800000",
        "4096      | 4096",
        "0.5       | 1",
    })
    void rates(String text, long bytesPerSecond) {
        assertThat(Quantities.bytesPerSecond(text, "--limit-rate")).isEqualTo(bytesPerSecond);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ten", "1.2.3", "1.", ".5Gi", "1 0", "Gi", "1Gi2", "1e3", "1E3", "0x10", "1_000",
        "10 Gi", "100MB", "1GiB", "100m", "1g", "10K", "1KiB", "5mi", "1Zi", "1Y", "1.5Gi/s", "1Gi/s/s", "∞"})
    void sizesThatAreNotSizes(String text) {
        assertThatThrownBy(() -> Quantities.bytes(text, "--size"))
                .isInstanceOfSatisfying(KvMigrateException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
                .hasMessageStartingWith("--size '" + text + "' is not a size")
                .hasMessageContaining("e.g. 20Gi")
                .hasMessageNotContaining("Exception");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "100MB  | did you mean 100M or 100Mi?",
        "1GiB   | did you mean 1G or 1Gi?",
        "100m   | did you mean 100M or 100Mi?",
        "10K    | did you mean 10k or 10Ki?",
        "1.5 g  | did you mean 1.5G or 1.5Gi?",
    })
    void commonSlipsGetAHint(String text, String hint) {
        assertThatThrownBy(() -> Quantities.bytesPerSecond(text, "--limit-rate"))
                .isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("--limit-rate '" + text + "' is not a rate")
                .hasMessageContaining(hint);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-1Gi", "-0.5", " -100M"})
    void negativeValuesAreRefused(String text) {
        assertThatThrownBy(() -> Quantities.bytes(text, "disks.a.size"))
                .isInstanceOf(KvMigrateException.class)
                .hasMessage("disks.a.size '" + text + "' is negative; write a size such as 20Gi");
        assertThatThrownBy(() -> Quantities.bytesPerSecond(text, "options.bandwidth"))
                .isInstanceOf(KvMigrateException.class)
                .hasMessageStartingWith("options.bandwidth '" + text + "' is negative");
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "8Ei", "9.3E", "10000000000000000000000000000000000000000Ki",
        "7.99999999999999999914Ei"})
    void overflowIsRefused(String text) {
        assertThatThrownBy(() -> Quantities.bytes(text, "--size"))
                .isInstanceOf(KvMigrateException.class)
                .hasMessage("--size '" + text + "' is too large: the largest size is 9223372036854775807 bytes (just"
                        + " under 8Ei); write e.g. 20Gi");
        assertThatThrownBy(() -> Quantities.bytesPerSecond(text + "/s", "--limit-rate"))
                .isInstanceOf(KvMigrateException.class)
                .hasMessageContaining("is too large: the largest rate is 9223372036854775807 bytes per second");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0/s", "0.0Mi", "000"})
    void aRateOfZeroIsRefused(String text) {
        assertThatThrownBy(() -> Quantities.bytesPerSecond(text, "--limit-rate"))
                .isInstanceOf(KvMigrateException.class)
                .hasMessageStartingWith("--limit-rate '" + text + "' must be more than zero")
                .hasMessageContaining("100M");
    }

    @Test
    void emptyTextNamesTheField() {
        for (String text : new String[] {null, "", "   "}) {
            assertThatThrownBy(() -> Quantities.bytes(text, "--size"))
                    .isInstanceOf(KvMigrateException.class).hasMessage("--size is empty; write a size such as 20Gi");
            assertThatThrownBy(() -> Quantities.bytesPerSecond(text, "--limit-rate"))
                    .isInstanceOf(KvMigrateException.class).hasMessageStartingWith("--limit-rate is empty");
        }
        assertThatThrownBy(() -> Quantities.bytesPerSecond("/s", "--limit-rate"))
                .isInstanceOf(KvMigrateException.class).hasMessageStartingWith("--limit-rate '/s' is not a rate");
    }

    @Test
    void everyBinarySuffixIsAPowerOf1024AndEveryDecimalOneAPowerOf1000() {
        String[] binary = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
        String[] decimal = {"k", "M", "G", "T", "P", "E"};
        long b = 1;
        long d = 1;
        for (int i = 0; i < binary.length; i++) {
            b *= 1024;
            d *= 1000;
            assertThat(Quantities.bytes("3" + binary[i], "x")).isEqualTo(3 * b);
            assertThat(Quantities.bytes("3" + decimal[i], "x")).isEqualTo(3 * d);
            assertThat(Quantities.bytesPerSecond("3" + binary[i] + "/s", "x")).isEqualTo(3 * b);
        }
    }
}
