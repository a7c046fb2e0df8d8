package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class UnitsTest {
    @Test
    void ratesUseBinaryMultiplesLikeCurl() {
        Units.Rate r = new Units.Rate();
        assertThat(r.convert("100M")).isEqualTo(100L << 20);
        assertThat(r.convert("1.5G")).isEqualTo(3L << 29);
        assertThat(r.convert("800k")).isEqualTo(800L << 10);
        assertThat(r.convert("4096")).isEqualTo(4096L);
        assertThatThrownBy(() -> r.convert("fast")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> r.convert("0")).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void waitsAcceptShortFormsAndIso() {
        Units.Wait w = new Units.Wait();
        assertThat(w.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(w.convert("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(w.convert("PT2H")).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> w.convert("soon")).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void bytesReadLikePeopleWriteThem() {
        assertThat(Units.bytes(512)).isEqualTo("512 B");
        assertThat(Units.bytes(3L << 30)).isEqualTo("3.0 GiB");
    }
}
