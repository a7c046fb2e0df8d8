package dev.kvmigrate.plans.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.plans.run.StepState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
    static RunReport report() {
        VmReport ok = new VmReport("cad-ws-01", "cad-ws-01", Outcome.SUCCEEDED,
                List.of(new StepReport("validate", StepState.SUCCEEDED, 0.1, Optional.empty()),
                        new StepReport("import-disk", StepState.SUCCEEDED, 12.5, Optional.of("sda → cad-ws-01-sda"))),
                List.of(new DiskReport("cad-ws-01-sda", 120L << 30, 41L << 30, Optional.of("xxh3-128:00ff"), 12.5)),
                List.of(new GpuAssignment("vGPU nvidia-230 \"GRID T4-1Q\"", "nvidia.com/GRID_T4-1Q", 1)),
                Optional.empty());
        VmReport bad = new VmReport("Legacy <DB>", "legacy-db", Outcome.FAILED,
                List.of(new StepReport("import-disk", StepState.FAILED, 1, Optional.of("upload refused: 400"))),
                List.of(), List.of(), Optional.of("disk hda: upload refused & stopped"));
        return new RunReport("gpu-fleet", "dir:out/", "2026-11-23T03:00:00Z", "2026-11-23T03:10:00Z",
                Outcome.FAILED, List.of(ok, bad),
                List.of(new ThroughputSample(0, 0), new ThroughputSample(5, 3e8), new ThroughputSample(10, 2e8)));
    }

    @Test
    void showsEveryVmGpuTableAndChart() {
        String html = HtmlReport.render(report());
        assertThat(html).contains("id=\"vm-cad-ws-01\"", "id=\"vm-legacy-db\"", "nvidia.com/GRID_T4-1Q",
                "<polyline", "41 GiB", "upload refused &amp; stopped");
        assertThat(html).doesNotContain("<script");
    }

    @Test
    void escapesSourceNames() {
        assertThat(HtmlReport.render(report())).contains("Legacy &lt;DB&gt;").doesNotContain("Legacy <DB>");
    }

    @Test
    void isWellFormedMarkupWithoutTheDoctype() {
        String html = HtmlReport.render(report()).replaceFirst("<!DOCTYPE html>\n", "")
                .replaceAll("<meta ([^>]*)>", "<meta $1/>").replace("<br>", "<br/>");
        assertThat(SafeXml.parse(html, "report.html").name()).isEqualTo("html");
    }
}
