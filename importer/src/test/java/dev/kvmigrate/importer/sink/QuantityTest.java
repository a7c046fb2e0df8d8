package dev.kvmigrate.importer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.KvMigrateException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantityTest {
    @ParameterizedTest
    @CsvSource({"10Gi,10737418240", "1.5Gi,1610612736", "500M,500000000", "1k,1000", "64Mi,67108864",
        "1073741824,1073741824", "0.5Ki,512"})
    void parsesKubernetesQuantities(String q, long bytes) {
        assertThat(Quantity.bytes(q)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource({"10737418240,10Gi", "67108864,64Mi", "1000,1000"})
    void writesTheShortestExactForm(long bytes, String q) {
        assertThat(Quantity.of(bytes)).isEqualTo(q);
        assertThat(Quantity.bytes(Quantity.of(bytes))).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource({"ten", "10GB", "-1Gi", "1.2.3"})
    void rejectsWhatIsNotAQuantity(String q) {
        assertThatThrownBy(() -> Quantity.bytes(q)).isInstanceOf(KvMigrateException.class).hasMessageContaining(q);
    }
}
