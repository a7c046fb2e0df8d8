package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.converter.gpu.ClusterGpus;
import dev.kvmigrate.converter.storage.ClaimPropertySet;
import dev.kvmigrate.converter.storage.ClusterStorage;
import dev.kvmigrate.converter.storage.FilesystemOverhead;
import dev.kvmigrate.converter.storage.StorageProfile;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConversionFactsTest {
    @Test
    void factsSurviveTheTripThroughTheConfigMapUnchanged() {
        ClusterGpus gpus = new ClusterGpus(Optional.of("v1.6.0"), Set.of("HostDevices", "GPU"), Set.of(),
                List.of(new ClusterGpus.PermittedDevice(ClusterGpus.PermittedDevice.Kind.MDEV, "GRID T4-2Q",
                        "nvidia.com/GRID_T4-2Q", false)), Map.of(), List.of(),
                List.of(new ClusterGpus.GpuNode("gpu-1", Map.of("zone", "a"), Map.of("nvidia.com/GRID_T4-2Q", 4L))));
        ClusterStorage storage = new ClusterStorage(Map.of("fast", new StorageProfile("fast", Optional.of("csi.x"),
                List.of(new ClaimPropertySet(List.of("ReadWriteMany"), Optional.of("Block"))))),
                new FilesystemOverhead(Optional.of(new BigDecimal("0.055")), Map.of("fast", new BigDecimal("0.1"))),
                Optional.of("fast"));
        ConversionFacts facts = new ConversionFacts(Optional.of(gpus), Optional.of(storage));
        assertThat(ConversionFacts.parse(facts.toJson(), "test")).isEqualTo(facts);
        assertThat(ConversionFacts.parse(ConversionFacts.NOTHING.toJson(), "test")).isEqualTo(ConversionFacts.NOTHING);
    }

    @Test
    void somethingElseIsAnInputError() {
        assertThatThrownBy(() -> ConversionFacts.parse("{\"gpus\": 7}", "/plan/cluster-facts.json"))
                .hasMessageContaining("/plan/cluster-facts.json").hasMessageContaining("submit the plan again");
    }
}
