package dev.kvmigrate.plans.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** report.json stays compatible: the fields it always had, plus the timeline's, and no computed totals. */
class ReportWriterTest {
    @Test
    void theJsonKeepsItsFieldsAndAddsTheTimelines() throws Exception {
        JsonNode json = new ObjectMapper().readTree(ReportWriter.json(HtmlReportTest.report()));
        assertThat(names(json)).containsExactly("plan", "target", "startedAt", "finishedAt", "outcome", "vms",
                "throughput");
        JsonNode vm = json.path("vms").get(0);
        assertThat(names(vm)).containsExactly("name", "targetName", "outcome", "steps", "disks", "gpus",
                "startedAt", "finishedAt", "wave");
        assertThat(vm.path("wave").asInt()).isEqualTo(1);
        JsonNode disk = vm.path("disks").get(0);
        assertThat(names(disk)).containsExactly("name", "virtualBytes", "wireBytes", "digest", "seconds", "state",
                "startedAt", "finishedAt");
        assertThat(disk.path("startedAt").asText()).isEqualTo("2026-12-01T21:04:39.5Z");
        assertThat(names(json.path("vms").get(2))).as("a VM that did not run has no times")
                .containsExactly("name", "targetName", "outcome", "steps", "disks", "gpus");
        assertThat(names(json.path("throughput").get(1))).containsExactly("secondsSinceStart", "bytesPerSecond");
    }

    private static List<String> names(JsonNode node) {
        return StreamSupport.stream(((Iterable<String>) node::fieldNames).spliterator(), false).toList();
    }
}
