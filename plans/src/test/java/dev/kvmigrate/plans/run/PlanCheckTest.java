package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.converter.gpu.ClusterGpus;
import dev.kvmigrate.converter.validate.ClusterFacts;
import dev.kvmigrate.converter.validate.SchemaSet;
import dev.kvmigrate.inventory.model.Severity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster part of plan validate: the plan's objects against what the cluster permits and can allocate. */
class PlanCheckTest {
    @TempDir
    Path tmp;

    /** A cluster of one GPU node advertising {@code allocatable}. */
    private static Optional<ClusterGpus> node(Map<String, Long> allocatable) {
        return Optional.of(new ClusterGpus(Optional.empty(), Set.of(), Set.of(), List.of(), Map.of(), List.of(),
                List.of(new ClusterGpus.GpuNode("gpu-1", Map.of(), allocatable))));
    }

    @Test
    void gpuNamesAndCapacityForTheWholePlanAreChecked() throws Exception {
        PlanConversion.Prepared p = ExampleHost.prepare(ExampleHost.copy(tmp));
        ClusterFacts cluster = new ClusterFacts(Optional.of(Set.of("nvidia.com/GRID_T4-2Q")), Optional.of(Set.of()),
                Optional.empty(), Optional.empty(), Optional.empty(), "default",
                node(Map.of("nvidia.com/GRID_T4-2Q", 0L)));
        List<PlanCheck.Finding> f = PlanCheck.checkObjects(p, SchemaSet.of(List.of()), cluster);
        List<PlanCheck.Finding> blockers = f.stream().filter(x -> x.severity() == Severity.BLOCKER).toList();
        assertThat(blockers).anySatisfy(x -> assertThat(x.toString()).contains("GA107GL_A2___A16"));
        assertThat(blockers).anySatisfy(x -> assertThat(x.code()).isEqualTo("GPU_CAPACITY_SHORT"));

        ClusterFacts roomy = new ClusterFacts(Optional.of(Set.of("nvidia.com/GRID_T4-2Q",
                "nvidia.com/GA107GL_A2___A16")), Optional.of(Set.of()), Optional.empty(), Optional.empty(),
                Optional.empty(), "default", node(Map.of("nvidia.com/GRID_T4-2Q", 4L,
                        "nvidia.com/GA107GL_A2___A16", 1L)));
        assertThat(PlanCheck.checkObjects(p, SchemaSet.of(List.of()), roomy))
                .noneMatch(x -> x.severity() == Severity.BLOCKER);
    }
}
