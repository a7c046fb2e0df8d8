package dev.kvmigrate.importer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.common.Quantities;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantityTest {
    @ParameterizedTest
    @CsvSource({"10737418240,10Gi", "67108864,64Mi", "1000,1000", "1610612736,1536Mi", "0,0"})
    void writesTheShortestExactFormThatReadsBack(long bytes, String q) {
        assertThat(Quantity.of(bytes)).isEqualTo(q);
        assertThat(Quantities.bytes(Quantity.of(bytes), "size")).isEqualTo(bytes);
        assertThat(io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(
                new io.fabric8.kubernetes.api.model.Quantity(q)).longValueExact()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource({"0,0", "1,1048576", "1048576,1048576", "1048577,2097152"})
    void roundsUpToWholeMebibytes(long bytes, long rounded) {
        assertThat(Quantity.roundUpMi(bytes)).isEqualTo(rounded);
    }
}
